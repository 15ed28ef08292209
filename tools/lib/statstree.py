"""Read tshark's plain-text output of a statistics tree (`-z NAME,tree`).

tshark prints each tree as a title line ("Citrix/Sessions and HA links:"),
a header ("Topic / Item  Count  Average  Min Val  Max Val  Rate (ms) ..."),
a dashed rule, then one line per node, indented one space per level, its
values left-aligned under the header's column titles (blank when a node has
no average).  The columns are found from the header, so wider names or
other Wireshark releases' column sets do not matter.

    trees = parse(out)                      # {title: [Node, ...]}
    node = find(trees["Citrix/Command Center HA links"], "Command Center HA links", "Link 1: ...")
"""

COLUMNS = (("count", "Count"), ("average", "Average"), ("min", "Min Val"), ("max", "Max Val"))


class Node:
    def __init__(self, name, values):
        self.name = name
        self.values = values            # {"count": int, "average": float|None, "min": ..., "max": ...}
        self.children = []

    @property
    def count(self):
        return self.values["count"]

    def child(self, name):
        for c in self.children:
            if c.name == name:
                return c
        raise KeyError("%r has no child %r (has %r)" % (self.name, name, [c.name for c in self.children]))

    def get(self, name, default=None):
        try:
            return self.child(name)
        except KeyError:
            return default

    def children_starting(self, prefix):
        return [c for c in self.children if c.name.startswith(prefix)]

    def to_dict(self):
        """{name: [count, {children}]}, for comparisons in tests."""
        return {c.name: [c.count, c.to_dict()] for c in self.children}


def _number(text):
    text = text.strip()
    if not text or text == "-":
        return None
    try:
        return int(text)
    except ValueError:
        return float(text)


def _find_columns(header):
    # Header titles (lower case in 4.0: "Min val"; 4.2+: "Min Val").
    low = header.lower()
    cols = []
    for key, title in COLUMNS:
        i = low.find(title.lower())
        if i < 0:
            raise ValueError("stats tree header without %r: %r" % (title, header))
        cols.append((key, i))
    rate = low.find("rate")
    return cols, rate if rate > 0 else len(header)


def parse(out):
    """{tree title: [top-level Node, ...]} for every stats tree in tshark's output."""
    trees = {}
    lines = out.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("Topic / Item"):
            i += 1
            continue
        title = lines[i - 1].rstrip().rstrip(":") if i > 0 else ""
        cols, end = _find_columns(lines[i])
        name_end = cols[0][1]
        roots, stack = [], []
        i += 2                          # header, dashed rule
        while i < len(lines) and lines[i].strip() and not set(lines[i].strip()) <= {"-", "="}:
            line = lines[i]
            indent = len(line) - len(line.lstrip(" "))
            name = line[:name_end].strip()
            values = {}
            for k, (key, start) in enumerate(cols):
                stop = cols[k + 1][1] if k + 1 < len(cols) else end
                values[key] = _number(line[start:stop])
            node = Node(name, values)
            while stack and stack[-1][0] >= indent:
                stack.pop()
            (stack[-1][1].children if stack else roots).append(node)
            stack.append((indent, node))
            i += 1
        trees[title] = roots
    return trees


def find(roots, *path):
    """The node at path (names from a top-level node down)."""
    nodes = roots
    node = None
    for name in path:
        matches = [n for n in nodes if n.name == name]
        if not matches:
            raise KeyError("no %r among %r" % (name, [n.name for n in nodes]))
        node = matches[0]
        nodes = node.children
    return node
