"""Hostile YAML: bytes that try to run code, expand, nest or grow without end, and what each
must be refused with. The tests check every case; benchmarks/bench_hostile_files.py times them."""

from __future__ import annotations

from npt_protocol.reading.yaml_tree import MAX_BYTES

LAUGHS = (
    "\n".join(
        [f'l0: &l0 ["{"lol" * 3}"]']
        + [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)]
    )
    + "\n"
)

HOSTILE: dict[str, tuple[bytes, str]] = {
    "python object apply": (
        b"!!python/object/apply:os.system ['echo unsafe']\n",
        "tag !!python/object/apply:os.system is not allowed",
    ),
    "python object new": (
        b"id: !!python/object/new:subprocess.Popen [[ls]]\n",
        "tag !!python/object/new:subprocess.Popen is not allowed",
    ),
    "python name": (b"id: !!python/name:os.system\n", "tag !!python/name:os.system"),
    "python module": (b"id: !!python/module:os\n", "tag !!python/module:os"),
    "binary": (b"id: !!binary aGVsbG8=\n", "tag !!binary is not allowed"),
    "custom tag": (b"id: !include /etc/passwd\n", "tag !include is not allowed"),
    "tag directive": (
        b"%TAG !p! tag:yaml.org,2002:python/\n---\nid: !p!object:os.system x\n",
        "tag !!python/object:os.system is not allowed",
    ),
    "billion laughs": (LAUGHS.encode(), "anchors and aliases"),
    "unused anchor": (b"id: &x knee\n", "anchors and aliases"),
    "huge": (b"notes: " + b"x" * (2 * MAX_BYTES), "file is larger than 1 MiB"),
    "deep flow nesting": (b"[" * 400_000 + b"]" * 400_000, "nesting is deeper than"),
    "deep block nesting": (
        "".join(" " * i + f"k{i}:\n" for i in range(300)).encode() + b" " * 300 + b"end\n",
        "nesting is deeper than",
    ),
    "many values": (b"[" + b"1," * 300_000 + b"1]", "document has more than 20,000 values"),
    "latin-1": ("title: Café\n".encode("latin-1"), "byte 0xe9 is not UTF-8"),
    "utf-16": ("title: knee\n".encode("utf-16"), "is not UTF-8"),
    "empty": (b"", "file is empty"),
    "blank": (b"\n   \n\t\n", "file is empty"),
    "top-level list": (b"- schema_version: 1\n", "the file holds a list"),
    "top-level text": (b"just some text\n", "the file holds text"),
    "NUL byte": (b"title: a\x00b\n", "control character U+0000"),
    "huge integer": (b"schema_version: " + b"9" * 10_000 + b"\n", "schema_version is text"),
}
