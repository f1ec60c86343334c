#!/usr/bin/env python3
"""Checks editors/vscode/: the TextMate grammar's keyword and dtype lists against the lexer's and the dtype
table's C++ sources, that every regex compiles (with Python's re: the grammar keeps to the syntax Oniguruma and
re share), and that a small TextMate tokenizer applying the grammar leaves no character of any standard-library
file unmatched. Run by ctest; needs only the Python standard library."""
import glob
import json
import os
import re
import sys
import unittest

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
EDITOR = os.path.join(ROOT, "editors", "vscode")


def load_json(*path):
    with open(os.path.join(*path), encoding="utf-8") as f:
        return json.load(f)


GRAMMAR = load_json(EDITOR, "syntaxes", "nn.tmLanguage.json")


def read(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as f:
        return f.read()


def words_of(regex):
    """The alternatives of the one group in a pattern like \\b(a|b|c)\\b or \\b(a|b)(?=...)."""
    m = re.match(r"^\\b\(([A-Za-z0-9_|]+)\)", regex)
    assert m, "not a word list: " + regex
    return set(m.group(1).split("|"))


def every_rule(node):
    """Every rule object in the grammar (those with match, begin or include), recursively."""
    if isinstance(node, dict):
        if any(k in node for k in ("match", "begin", "include")):
            yield node
        for value in node.values():
            yield from every_rule(value)
    elif isinstance(node, list):
        for value in node:
            yield from every_rule(value)


class Tokenizer:
    """A TextMate tokenizer reduced to what the grammar uses: match rules, begin/end rules with nested patterns,
    includes of repository entries and $self, line by line. Returns the characters no rule covered."""

    def __init__(self, grammar):
        self.grammar = grammar
        self.cache = {}

    def regex(self, text):
        if text not in self.cache:
            self.cache[text] = re.compile(text)
        return self.cache[text]

    def flatten(self, patterns):
        rules = []
        for rule in patterns:
            if "include" in rule:
                name = rule["include"]
                target = self.grammar if name == "$self" else self.grammar["repository"][name[1:]]
                # A repository entry is one rule (match or begin/end) or a list of rules under "patterns".
                is_rule = "match" in target or "begin" in target
                rules.extend(self.flatten([target] if is_rule else target["patterns"]))
            else:
                rules.append(rule)
        return rules

    def unmatched(self, text):
        """(line number, column, text) of every non-blank run that no rule matched, and the rules left open."""
        gaps, stack, _ = self.tokenize(text)
        return gaps, stack

    def tokenize(self, text):
        """The gaps and open rules as unmatched() has them, and the tokens: (text, scope) for every match (a match
        rule's first capture scope when it names none itself; begin and end as the rule's scope)."""
        gaps, tokens = [], []
        stack = []  # open begin/end rules
        for number, line in enumerate(text.split("\n"), 1):
            pos = 0
            while pos <= len(line):
                context = stack[-1] if stack else None
                rules = self.flatten(context.get("patterns", []) if context else self.grammar["patterns"])
                best = None  # (start, order, kind, rule, match)
                if context:
                    m = self.regex(context["end"]).search(line, pos)
                    if m:
                        best = (m.start(), -1, "end", context, m)
                for order, rule in enumerate(rules):
                    m = self.regex(rule.get("match") or rule["begin"]).search(line, pos)
                    if m and (best is None or m.start() < best[0]):
                        best = (m.start(), order, "begin" if "begin" in rule else "match", rule, m)
                start = best[0] if best else len(line)
                skipped = line[pos:start]
                # Text inside a string is the string's; elsewhere every non-blank character must be matched.
                covered = context is not None and context.get("name", "").startswith(("string.", "entity.name.tag"))
                if skipped.strip() and not covered:
                    gaps.append((number, pos + 1, skipped))
                if best is None:
                    break
                _, _, kind, rule, m = best
                captures = rule.get("captures") or rule.get(kind + "Captures") or {}
                scope = rule.get("name") or next(iter(captures.values()), {}).get("name")
                if m.group(0):
                    tokens.append((m.group(0), scope))
                if kind == "end":
                    stack.pop()
                elif kind == "begin":
                    stack.append(rule)
                elif m.end() == m.start():
                    raise AssertionError("a match rule matched nothing at line %d: %s" % (number, rule["match"]))
                if m.end() == m.start() and m.end() >= len(line):
                    break  # an empty end at the end of the line
                pos = m.end()
        return gaps, stack, tokens


class Grammar(unittest.TestCase):
    def test_keywords_are_the_lexers(self):
        lexer = set(re.findall(r'\{"([a-z]+)", TokenKind::k[A-Za-z]+\}', read("src", "syntax", "lexer.cc")))
        self.assertGreaterEqual(len(lexer), 18)  # model block input import for in repeat if else ...
        grammar = set()
        for rule in GRAMMAR["repository"]["keywords"]["patterns"]:
            grammar |= words_of(rule["match"])
        self.assertEqual(grammar, lexer)

    def test_dtypes_are_the_dtype_tables(self):
        spellings = set(re.findall(r'\{"([a-z0-9]+)", DType::k[A-Za-z0-9]+\}', read("src", "ir", "dtype.cc")))
        self.assertGreaterEqual(len(spellings), 19)
        self.assertEqual(words_of(GRAMMAR["repository"]["tensor-type"]["match"]), spellings)

    def test_every_regex_compiles_and_includes_resolve(self):
        count = 0
        for rule in every_rule(GRAMMAR):
            for key in ("match", "begin", "end"):
                if key in rule:
                    # Oniguruma-only syntax Python would misread or reject: possessive quantifiers, \h, \G, \A in
                    # the middle, named groups (?<name>...).
                    self.assertNotRegex(rule[key], r"[*+?}]\+|\\h|\\G|\(\?<[A-Za-z]", rule[key])
                    re.compile(rule[key])
                    count += 1
            if "include" in rule and rule["include"] != "$self":
                self.assertIn(rule["include"][1:], GRAMMAR["repository"], rule["include"])
        self.assertGreater(count, 20)

    def test_language_configuration_and_package(self):
        package = load_json(EDITOR, "package.json")
        config = load_json(EDITOR, "language-configuration.json")
        (language,) = package["contributes"]["languages"]
        (grammar,) = package["contributes"]["grammars"]
        self.assertEqual(language["extensions"], [".nn"])
        self.assertEqual(grammar["scopeName"], GRAMMAR["scopeName"])
        self.assertTrue(os.path.isfile(os.path.join(EDITOR, grammar["path"])))
        self.assertEqual(config["comments"]["lineComment"], "#")
        for pattern in config["indentationRules"].values():
            re.compile(pattern)

    def test_tokenizer_finds_a_gap(self):
        # The check below must be able to fail: '$' and '?' are no token of the language.
        gaps, _ = Tokenizer(GRAMMAR).unmatched("model m(batch = 1) {\n    x = $ y ? 2\n}\n")
        self.assertEqual([(line, text.strip()) for line, _, text in gaps], [(2, "$"), (2, "?")])

    def test_scopes_of_a_typical_line(self):
        _, _, tokens = Tokenizer(GRAMMAR).tokenize(
            'x = "layers.{i + 1}": block_call(x, heads = 4, eps = 1e-5)  # note "q"\n'
            "model m(const d = 1_024) {\n    input t: i64[batch, 8]\n}\n"
        )
        scopes = dict(reversed(tokens))  # the first scope each text got
        self.assertEqual(scopes['"'], "entity.name.tag.label.nn")  # the string label's quotes
        self.assertEqual(scopes["{"], "meta.interpolation.nn")
        self.assertEqual(scopes["i"], "variable.other.nn")  # inside the interpolation
        self.assertEqual(scopes["block_call"], "entity.name.function.call.nn")
        self.assertEqual(scopes["heads ="], "variable.other.nn")
        self.assertEqual(scopes["4"], "constant.numeric.integer.nn")
        self.assertEqual(scopes["1e-5"], "constant.numeric.float.nn")
        self.assertEqual(scopes['# note "q"'], "comment.line.number-sign.nn")
        self.assertEqual(scopes["model m"], "keyword.other.definition.nn")
        self.assertEqual(scopes["const"], "keyword.other.nn")
        self.assertEqual(scopes["1_024"], "constant.numeric.integer.nn")
        self.assertEqual(scopes["input t:"], "keyword.other.input.nn")
        self.assertEqual(scopes["i64"], "storage.type.dtype.nn")
        self.assertEqual(scopes["["], "punctuation.brackets.square.nn")

    def test_every_standard_library_file_tokenizes_without_a_gap(self):
        files = sorted(glob.glob(os.path.join(ROOT, "stdlib_models", "**", "*.nn"), recursive=True))
        files += sorted(glob.glob(os.path.join(ROOT, "examples", "*.nn")))
        self.assertGreaterEqual(len(files), 40)
        tokenizer = Tokenizer(GRAMMAR)
        for path in files:
            with open(path, encoding="utf-8") as f:
                gaps, open_rules = tokenizer.unmatched(f.read())
            self.assertEqual(gaps, [], os.path.relpath(path, ROOT))
            self.assertEqual([r.get("name") for r in open_rules], [], os.path.relpath(path, ROOT) + ": left open")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
