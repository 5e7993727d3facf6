"""Sastrawi with its own `re` (kb/search/stemmer_re.py) stems every word as Sastrawi alone does."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from kb.search import analysis

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = ["", "me", "mem", "men", "meng", "meny", "pe", "pem", "pen", "peng", "peny", "per", "ber", "ter", "di",
            "ke", "se", "memper", "diper", "ber", "be", "te"]
SUFFIXES = ["", "kan", "an", "i", "nya", "lah", "kah", "ku", "mu", "kannya", "annya", "pun"]


def words() -> list[str]:
    """Root words with random affixes, as a write-up's vocabulary has them (and some nonsense)."""
    import Sastrawi

    roots = (Path(Sastrawi.__file__).parent / "Stemmer" / "data" / "kata-dasar.txt").read_text().split()
    rng = random.Random(7)
    out = [rng.choice(PREFIXES) + root + rng.choice(SUFFIXES) for root in rng.sample(roots, 4000)]
    out += ["".join(rng.choice("abcdeghiklmnoprstuy") for _ in range(rng.randint(4, 12))) for _ in range(500)]
    return sorted(set(out))


def test_stems_equal_plain_sastrawi():
    sample = words()
    plain = subprocess.run(
        [sys.executable, "-c", "import json, sys\nfrom Sastrawi.Stemmer.StemmerFactory import StemmerFactory\n"
         "s = StemmerFactory().create_stemmer().delegatedStemmer\n"
         "print(json.dumps([s.stem(w) for w in json.load(sys.stdin)]))"],
        input=json.dumps(sample), capture_output=True, text=True, check=True, cwd=ROOT)
    expected = json.loads(plain.stdout)
    stemmer = analysis._stemmer()
    import Sastrawi.Stemmer.Context.Visitor.AbstractDisambiguatePrefixRule as rule

    assert rule.re.__class__.__name__ == "SastrawiRe"  # installed
    assert [stemmer.stem(w) for w in sample] == expected
    assert sum(1 for w, s in zip(sample, expected) if w != s) > 2000  # most were changed by stemming
