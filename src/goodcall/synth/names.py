"""Given names and family names by language, with the sex that picks the courtesy title.

Frequent names of Quebec (Retraite Québec / Institut de la statistique lists), of English Canada
(including the South Asian and Chinese names common in Ontario and BC) and of France. Titles: M. /
Mme in French, Mr. / Ms. in English.
"""

from __future__ import annotations

FR_CA_FEMALE = (
    "Marie", "Sylvie", "Nathalie", "Julie", "Isabelle", "Chantal", "Geneviève", "Mélanie",
    "Catherine", "Émilie", "Léa", "Chloé", "Camille", "Sophie", "Josée", "Caroline", "Annie",
    "Valérie", "Nicole", "Lucie", "Manon", "Diane", "Karine", "Marie-Ève", "Stéphanie", "Audrey",
    "Amélie", "Maude", "Florence", "Rosalie", "Alice", "Béatrice", "Charlotte", "Louise",
    "Francine", "Johanne", "Lise", "Ginette", "Véronique", "Marianne",
)  # fmt: skip
FR_CA_MALE = (
    "Michel", "Jean", "Luc", "Mathieu", "Éric", "Stéphane", "François", "Guillaume", "Olivier",
    "Louis", "Gabriel", "Félix", "Alexandre", "Maxime", "Patrick", "Martin", "Simon", "Philippe",
    "Pierre", "Jacques", "Denis", "Yves", "Benoît", "Sébastien", "Jean-François", "Marc-André",
    "Samuel", "William", "Thomas", "Nicolas", "Vincent", "Étienne", "Réjean", "Normand",
    "Gilles", "Daniel", "Alain", "Mario", "Sylvain", "Charles",
)  # fmt: skip
FR_CA_LAST = (
    "Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin",
    "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Leblanc", "Paquette",
    "Girard", "Simard", "Boucher", "Caron", "Beaulieu", "Cloutier", "Dubé", "Poirier", "Fournier",
    "Lapointe", "Leclerc", "Lefebvre", "Poulin", "Thibault", "St-Pierre", "Nadeau", "Martin",
    "Landry", "Martel", "Bédard", "Grenier", "Lessard", "Bernier", "Richard", "Michaud",
    "Hébert", "Desjardins", "Couture", "Turcotte", "Lachance", "Parent", "Blais", "Gosselin",
    "Savard", "Proulx", "Beaudoin", "Demers", "Perron", "Boudreau", "Arsenault", "Cormier",
    "Doucet", "Thériault",
)  # fmt: skip
EN_FEMALE = (
    "Mary", "Emma", "Olivia", "Jennifer", "Sarah", "Linda", "Karen", "Jessica", "Ashley",
    "Emily", "Amanda", "Stephanie", "Priya", "Mei", "Harpreet", "Fatima", "Ava", "Sophia",
    "Charlotte", "Amelia", "Elizabeth", "Katherine", "Susan", "Laura", "Rebecca", "Hannah",
    "Megan", "Chloe", "Grace", "Zoe",
)  # fmt: skip
EN_MALE = (
    "James", "Liam", "Noah", "Michael", "David", "Robert", "John", "Daniel", "Ryan", "Matthew",
    "Christopher", "Andrew", "Arjun", "Wei", "Gurpreet", "Mohammed", "Ethan", "Lucas",
    "Benjamin", "Jacob", "William", "Thomas", "Joseph", "Kevin", "Brian", "Jason", "Mark",
    "Paul", "Steven", "Owen",
)  # fmt: skip
EN_LAST = (
    "Smith", "Brown", "Tremblay", "Martin", "Roy", "Wilson", "MacDonald", "Gagnon", "Johnson",
    "Taylor", "Campbell", "Anderson", "Leblanc", "Lee", "Jones", "White", "Williams", "Miller",
    "Thompson", "Young", "Scott", "Stewart", "Wong", "Chen", "Singh", "Patel", "Nguyen", "Kim",
    "Li", "Wang", "Murphy", "Clark", "Robinson", "Reid", "Ross", "Morrison", "Fraser",
    "Mitchell", "Walker", "Hall", "Wright", "Green", "Sharma", "Gill", "Ali", "O'Brien",
    "MacLeod", "Kelly", "Baker", "Davis",
)  # fmt: skip
FR_FR_LAST = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier",
)  # fmt: skip

# Names people go by, for a few given names (preferred_name).
NICKNAMES: dict[str, str] = {
    "Robert": "Bob",
    "William": "Bill",
    "Elizabeth": "Liz",
    "Katherine": "Kate",
    "Christopher": "Chris",
    "Matthew": "Matt",
    "Michael": "Mike",
    "Jennifer": "Jen",
    "Jean-François": "J-F",
    "Marc-André": "Marc",
    "Marie-Ève": "Marie",
    "Alexandre": "Alex",
    "Nicolas": "Nico",
    "Stéphanie": "Steph",
}

TITLES = {("fr", "F"): "Mme", ("fr", "M"): "M.", ("en", "F"): "Ms.", ("en", "M"): "Mr."}

RELATIONS_FR = {
    "partner_F": "conjointe",
    "partner_M": "conjoint",
    "child_F": "fille",
    "child_M": "fils",
}
RELATIONS_EN = {
    "partner_F": "partner",
    "partner_M": "partner",
    "child_F": "daughter",
    "child_M": "son",
}
