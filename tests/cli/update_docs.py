#!/usr/bin/env python3
"""Rewrite the command list in docs/cli.md from `ipsecctl help`
(test_cli_parse checks that the two agree). Usage:
    tests/cli/update_docs.py BUILD/bin/ipsecctl"""
import os
import subprocess
import sys

doc_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "cli.md")
out = subprocess.run([sys.argv[1], "help"], capture_output=True, text=True, check=True).stdout
help_text = out.split("\n'help WORDS'")[0].rstrip("\n")
doc = open(doc_path).read()
head, rest = doc.split("## Commands\n", 1)
intro, rest = rest.split("```\n", 1)
_, tail = rest.split("```\n", 1)
open(doc_path, "w").write(f"{head}## Commands\n{intro}```\n{help_text}\n```\n{tail}")
