#!/usr/bin/env python3
"""Writes balloon1_property_names.h: the interface and property names of the D-Bus contract
(org.balloond.Balloon1.xml) as C++ constants, so code that names a property (PropertiesChanged,
GetAll) takes the name from the XML itself and a renamed property breaks the build, not the bus."""
import sys
import xml.etree.ElementTree as ET

source, output = sys.argv[1:3]
lines = [
    f"// Generated from {source.split('/')[-1]} by dbus/property_names.py; do not edit.",
    "#pragma once",
    "",
    "#include <string_view>",
    "",
    "namespace balloon::dbus::properties {",
]
for interface in ET.parse(source).getroot().iter("interface"):
    name = interface.get("name")
    short = name.rsplit(".", 1)[-1]
    properties = [p.get("name") for p in interface.iter("property")]
    lines += ["", f"// {name}", f"namespace {short.lower()} {{",
              f'inline constexpr std::string_view kInterface = "{name}";']
    lines += [f'inline constexpr std::string_view k{p} = "{p}";' for p in properties]
    lines.append(f"}}  // namespace {short.lower()}")
lines += ["", "}  // namespace balloon::dbus::properties", ""]
with open(output, "w", encoding="utf-8") as f:
    f.write("\n".join(lines))
