"""Each remote provider through its real client library: Bedrock with botocore (Stubber for the request
shape, a real event-stream body for streaming), OpenAI-compatible and Ollama against local HTTP servers."""

import boto3
from botocore.awsrequest import AWSResponse
from botocore.stub import ANY, Stubber
from fixtures.fake_servers import ChatServer, event_stream_message

from tutor.engine.events import Token
from tutor.engine.tutor import Tutor
from tutor.providers import make_chat_model

MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
ANSWER = "Les LLM sont formés sur des milliers de milliards de mots [1]."
QUESTION = "Sur combien de mots les LLM sont-ils formés ?"


def with_llm(settings, **llm):
    return settings.model_copy(update={"llm": settings.llm.model_copy(update=llm)})


def bedrock_client():
    return boto3.client("bedrock-runtime", region_name="eu-west-3", aws_access_key_id="test",
                        aws_secret_access_key="test")


def test_bedrock_request_shape_with_stubber(indexed):
    settings = with_llm(indexed, provider="bedrock", model=MODEL_ID, region="eu-west-3")
    client = bedrock_client()
    with Stubber(client) as stub:
        stub.add_response("converse", {
            "output": {"message": {"role": "assistant", "content": [{"text": ANSWER}]}},
            "stopReason": "end_turn", "usage": {"inputTokens": 500, "outputTokens": 20, "totalTokens": 520},
            "metrics": {"latencyMs": 300},
        }, {"modelId": MODEL_ID, "messages": ANY, "system": ANY,
            "inferenceConfig": {"maxTokens": settings.llm.max_tokens, "temperature": settings.llm.temperature}})
        model = make_chat_model(settings, client=client)
        reply = model.invoke([("system", "Tu es le tuteur."), ("human", QUESTION)])
        stub.assert_no_pending_responses()
    assert reply.content == ANSWER


def test_bedrock_streams_through_the_engine(indexed):
    settings = with_llm(indexed, provider="bedrock", model=MODEL_ID, region="eu-west-3")
    client = bedrock_client()
    sent = []
    words = ANSWER.split(" ")
    body = b"".join(
        [event_stream_message("messageStart", {"role": "assistant"})]
        + [event_stream_message("contentBlockDelta", {"delta": {"text": w + " "}, "contentBlockIndex": 0})
           for w in words]
        + [event_stream_message("contentBlockStop", {"contentBlockIndex": 0}),
           event_stream_message("messageStop", {"stopReason": "end_turn"}),
           event_stream_message("metadata", {"usage": {"inputTokens": 5, "outputTokens": 9, "totalTokens": 14},
                                             "metrics": {"latencyMs": 10}})])

    class Raw:
        def stream(self, **kwargs):
            yield body

        def close(self):
            pass

    def reply(request, **kwargs):
        sent.append(request)
        return AWSResponse(request.url, 200, {"content-type": "application/vnd.amazon.eventstream"}, Raw())

    client.meta.events.register("before-send.bedrock-runtime.ConverseStream", reply)
    tutor = Tutor(settings, chat_model=make_chat_model(settings, client=client))
    tokens = [e.text for e in tutor.stream(QUESTION) if isinstance(e, Token)]
    result = tutor.ask(QUESTION)
    assert len(tokens) == len(words) and "".join(tokens).strip() == ANSWER
    assert sent[0].url.endswith("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream")
    assert b"milliers de milliards" in sent[0].body  # the retrieved extract reached Bedrock
    assert not result.refused and result.citations[0].lesson == "exemples-et-llm"
    assert (result.provider, result.model) == ("bedrock", MODEL_ID)


def test_openai_compatible_server(indexed):
    with ChatServer(ANSWER) as server:
        settings = with_llm(indexed, provider="openai", base_url=server.url + "/v1", model="qwen-local")
        result = Tutor(settings).ask(QUESTION)
    request = server.requests[-1]
    assert request["path"] == "/v1/chat/completions" and request["body"]["stream"] is True
    assert request["body"]["model"] == "qwen-local"
    assert "milliers de milliards" in request["body"]["messages"][-1]["content"]
    assert result.answer.startswith("Les LLM sont formés") and result.citations[0].lesson == "exemples-et-llm"


def test_ollama_server(indexed):
    with ChatServer(ANSWER) as server:
        settings = with_llm(indexed, provider="ollama", base_url=server.url, model="llama3.1")
        result = Tutor(settings).ask(QUESTION)
    request = server.requests[-1]
    assert request["path"] == "/api/chat" and request["body"]["model"] == "llama3.1"
    assert "milliers de milliards" in request["body"]["messages"][-1]["content"]
    assert not result.refused and result.citations[0].lesson == "exemples-et-llm"
