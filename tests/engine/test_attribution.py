"""A claim that gives one term's definition to another term of the same extract is a swap; a comparison put
the right way round is not (tutor.engine.attribution, used by the support check)."""

from tutor.engine.attribution import attributed, items, misattributed
from tutor.engine.support import SupportJudge

GOOD_PROMPT = ("L'ingénierie de prompt — Ce qui fait un bon prompt\nUn bon prompt est :\n\n"
               "- **clair** : il dit précisément ce qui est demandé ;\n"
               "- **contextuel** : il donne le contexte utile à la réponse ;\n"
               "- **bien structuré** : ses parties (instructions, contexte, données d'entrée, format de sortie) "
               "sont organisées.")
PARTS = ("Qu'est-ce qu'un prompt ? — La structure d'un prompt : quatre parties\nUn prompt se compose de quatre "
         "parties :\n\n1. **Les instructions** : la tâche à accomplir, par exemple « Rédige un article ».\n"
         "2. **Le contexte** : des informations supplémentaires qui guident la réponse.\n"
         "3. **Les données d'entrée** : les informations précises que le modèle doit traiter.\n"
         "4. **La sortie** : le format attendu de la réponse (texte, image, etc.).")
EXAMPLES = ("Exemples et LLM — Exemples de modèles de base\nUn modèle de base (FM) peut accomplir diverses tâches "
            "complexes. Le cours en donne deux exemples :\n\n- **Amazon Titan** : conçu pour traiter le **langage "
            "naturel** ;\n- **Stable Diffusion** : utilisé pour la **génération d'images**.")
FOUNDATION = ("Modèles traditionnels et modèles de base — Les modèles de base\n"
              "- **Polyvalence** : un seul modèle de base peut accomplir **plusieurs tâches**, sans nécessiter "
              "d'entraînement spécifique pour chaque tâche.\n"
              "- **Efficacité** : il faut **moins de ressources informatiques** pour ajuster un modèle existant que "
              "pour en entraîner un nouveau.")
TECHNIQUES = ("L'ingénierie de prompt — Les techniques\nLe cours présente trois techniques :\n\n"
              "1. **Clarifier la demande** : spécifiez précisément ce que vous voulez que l'IA fasse.\n"
              "2. **Fournir des exemples** : si possible, donnez des exemples des réponses attendues.\n"
              "3. **Ajuster et réessayer** : si la réponse n'est pas satisfaisante, ajustez le prompt.")


class Reader:
    """A model that reads every claim as unsupported, and counts how often it is asked."""

    def __init__(self):
        self.asked = 0

    def choose(self, messages, options):
        self.asked += 1
        return {"yes": 0.1, "no": 0.9}


def test_the_terms_an_extract_defines_are_its_items_openings():
    found = items(PARTS)
    assert [item.text[:20] for item in found] == ["**Les instructions**", "**Le contexte** : de",
                                                 "**Les données d'entr", "**La sortie** : le f"]
    assert all(len(item.said) >= 2 and not item.said & set().union(*item.names) for item in found)
    assert items("T — S\nUn bon prompt est :\n- **clair** : il dit ce qui est demandé.") == items(
        "T — S\n- **clair** : il dit ce qui est demandé.")  # an opening that says nothing defines no term
    # "**Réponse générée** (l'inférence)" has two names
    assert len(items("T — S\n- **Réponse générée** (l'inférence) : la phrase produite par le modèle.\n"
                     "- **Demande** (le prompt) : la question posée au modèle.")[0].names) == 2


def test_one_terms_definition_given_to_another_term_contradicts_the_extract():
    judge = SupportJudge(llm=None)
    wrong = judge.check("Un bon prompt est contextuel quand il dit précisément ce qui est demandé.", GOOD_PROMPT)
    assert (wrong.label, wrong.reason) == ("contradicted", "role")
    assert wrong.evidence.startswith("**clair**")  # the item the learner is shown
    assert judge.check("Un bon prompt est clair quand il dit précisément ce qui est demandé.", GOOD_PROMPT).supported
    swapped = judge.check("Dans un prompt, c'est le contexte qui fixe la tâche à accomplir.", PARTS)
    assert (swapped.label, swapped.reason) == ("contradicted", "role")
    assert misattributed("In the course, Amazon Titan is used for image generation.", EXAMPLES)


def test_naming_a_term_is_not_giving_it_another_terms_definition():
    # a list of the items is no swap
    assert not misattributed("Les techniques sont : clarifier la demande, fournir des exemples et ajuster.",
                             TECHNIQUES)
    # the other term comes after what is said of the subject ("efficacement" is no subject)
    assert not misattributed("Cela permet aux modèles de base d'accomplir efficacement plusieurs tâches sans "
                             "entraînement spécifique.", FOUNDATION)
    # both terms named: a comparison, which the other rules read
    assert not misattributed("Le contexte, comme les instructions, guide la réponse.", PARTS)
    assert not misattributed("Les instructions donnent la tâche à accomplir.", PARTS)


def test_a_comparison_the_right_way_round_is_supported_without_asking_the_model():
    reader = Reader()
    judge = SupportJudge(llm=reader)
    right = judge.check("Stable Diffusion est utilisé pour générer des images, alors qu'Amazon Titan est conçu "
                        "pour traiter le langage naturel.", EXAMPLES)
    assert right.supported and reader.asked == 0
    assert attributed("Les instructions sont la tâche à accomplir ; la sortie est le format attendu de la réponse.",
                      PARTS)
    # the same comparison the wrong way round, or with a fact the extract does not give, is not
    assert not attributed("Amazon Titan est utilisé pour générer des images, alors que Stable Diffusion est conçu "
                          "pour traiter le langage naturel.", EXAMPLES)
    added = judge.check("Stable Diffusion est utilisé pour générer des images, alors qu'Amazon Titan est conçu "
                        "pour traiter le langage naturel et coûte cher.", EXAMPLES)
    assert not added.supported and reader.asked == 1  # the model read it
