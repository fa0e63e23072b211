#!/usr/bin/env python3
"""Writes a C++ file defining `const char* const NAME` with a text file's contents (the sandbox's
built-in scenario), so balloond --sandbox needs no data file at run time."""
import sys

source, output, namespace, name = sys.argv[1:5]
with open(source, encoding="utf-8") as f:
    text = f.read()
delimiter = "embedded"
assert ")" + delimiter + '"' not in text
with open(output, "w", encoding="utf-8") as f:
    f.write(f"// Generated from {source.split('/')[-1]} at build time; do not edit.\n")
    f.write(f"namespace {namespace} {{\n")
    f.write(f'extern const char* const {name};\n')
    f.write(f'const char* const {name} = R"{delimiter}({text}){delimiter}";\n')
    f.write("}\n")
