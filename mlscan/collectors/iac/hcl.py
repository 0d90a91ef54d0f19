"""Positions inside Terraform blocks that checkov's definitions do not carry.

checkov gives each resource its start and end line but nothing finer. Policy statements
need their own line: the ``{`` that opens a statement in ``jsonencode({... Statement =
[{...}]})`` or in a heredoc JSON document, or the ``statement {`` block of a
``data "aws_iam_policy_document"``. A small lexer over the resource's lines finds them;
it understands HCL strings (with ``${...}`` interpolation), comments and heredocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n")


@dataclass(frozen=True, kw_only=True)
class Token:
    kind: str  # ident | string | punct
    value: str
    line: int


def tokenize(text: str, first_line: int = 1) -> list[Token]:
    """Tokens of an HCL (or JSON) fragment; heredoc bodies are tokenized in place."""
    tokens: list[Token] = []
    i, line, n = 0, first_line, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif c == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
        elif c == '"':
            start_line = line
            j, depth, buf = i + 1, 0, []
            while j < n:
                ch = text[j]
                if ch == "\\" and j + 1 < n:
                    buf.append(text[j : j + 2])
                    j += 2
                    continue
                if ch == "\n":
                    line += 1
                if depth == 0 and ch == '"':
                    break
                if text.startswith("${", j):
                    depth += 1
                    buf.append("${")
                    j += 2
                    continue
                if depth and ch == "{":
                    depth += 1
                elif depth and ch == "}":
                    depth -= 1
                buf.append(ch)
                j += 1
            tokens.append(Token(kind="string", value="".join(buf), line=start_line))
            i = j + 1
        elif text.startswith("<<", i) and (m := _HEREDOC.match(text, i)):
            marker = m.group(1)
            body_start = m.end()
            close = re.compile(r"^[ \t]*" + re.escape(marker) + r"[ \t]*$", re.MULTILINE)
            cm = close.search(text, body_start)
            body_end = cm.start() if cm else n
            tokens.extend(tokenize(text[body_start:body_end], line + 1))
            end = cm.end() if cm else n
            line += text.count("\n", i, end)
            i = end
        elif m2 := _IDENT.match(text, i):
            tokens.append(Token(kind="ident", value=m2.group(0), line=line))
            i = m2.end()
        else:
            tokens.append(Token(kind="punct", value=c, line=line))
            i += 1
    return tokens


def _key_before(tokens: list[Token], idx: int) -> str | None:
    """The attribute/key name that a bracket at ``idx`` is the value of, if any."""
    j = idx - 1
    if j >= 0 and tokens[j].kind == "punct" and tokens[j].value == "(":
        j -= 1  # jsonencode(
        if j >= 0 and tokens[j].kind == "ident":
            j -= 1
    if j >= 0 and tokens[j].kind == "punct" and tokens[j].value in "=:":
        j -= 1
        if j >= 0 and tokens[j].kind in ("ident", "string"):
            return tokens[j].value
        return None
    if j >= 0 and tokens[j].kind == "ident" and tokens[idx].value == "{":
        return tokens[j].value  # a block: `statement {`
    return None


def policy_statement_lines(
    lines: list[str], start_line: int, end_line: int
) -> list[tuple[str, list[int]]]:
    """Statement lines inside one Terraform block, grouped per policy document.

    A new group starts at each ``*policy =`` attribute (``policy``,
    ``assume_role_policy``); statements outside any such attribute (the ``statement``
    blocks of a ``data "aws_iam_policy_document"``) form a group named ``""``. Within a
    group, the lines are in source order: the line of each ``{`` directly inside a
    ``Statement = [...]`` list (or a single ``Statement = {...}``), or of each
    ``statement {`` block.
    """
    text = "\n".join(lines[start_line - 1 : end_line])
    tokens = tokenize(text, start_line)
    groups: list[tuple[str, list[int]]] = []
    stack: list[tuple[str, str | None]] = []
    for idx, tok in enumerate(tokens):
        if tok.kind == "ident" and tok.value.endswith("policy") and idx + 1 < len(tokens):
            nxt = tokens[idx + 1]
            if nxt.kind == "punct" and nxt.value == "=":
                groups.append((tok.value, []))
            continue
        if tok.kind != "punct":
            continue
        if tok.value in "{[(":
            key = _key_before(tokens, idx) if tok.value != "(" else None
            parent = stack[-1] if stack else None
            if tok.value == "{":
                in_statement_list = (
                    parent is not None and parent[0] == "[" and parent[1] == "Statement"
                )
                single = key == "Statement"
                is_block = key == "statement" and idx > 0 and tokens[idx - 1].kind == "ident"
                if in_statement_list or single or is_block:
                    if not groups:
                        groups.append(("", []))
                    groups[-1][1].append(tok.line)
            stack.append((tok.value, key))
        elif tok.value in "}])" and stack:
            stack.pop()
    return groups
