# Mistake: depth-first post-order with a single "seen" mark: a node met again while still in progress is taken as done, so a cycle goes unnoticed and an invalid order comes back.
# expect: raises ValueError on a cycle
def topological_order(nodes, edges):
    inputs = {v: [] for v in nodes}
    for src, dst in edges:
        inputs[dst].append(src)
    order, seen = [], set()

    def visit(v):
        if v in seen:
            return
        seen.add(v)
        for u in inputs[v]:
            visit(u)
        order.append(v)

    for v in nodes:
        visit(v)
    return order
