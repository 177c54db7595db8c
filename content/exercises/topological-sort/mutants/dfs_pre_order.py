# Mistake: depth-first search that appends a node when it is first visited (pre-order), before its inputs, instead of after them (post-order).
# expect: every input before its consumer
def topological_order(nodes, edges):
    inputs = {v: [] for v in nodes}
    for src, dst in edges:
        inputs[dst].append(src)
    order, seen = [], set()

    def visit(v):
        if v in seen:
            return
        seen.add(v)
        order.append(v)
        for u in inputs[v]:
            visit(u)

    for v in nodes:
        visit(v)
    return order
