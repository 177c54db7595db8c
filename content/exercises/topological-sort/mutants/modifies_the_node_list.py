# Mistake: the caller's node list is used as the work list and emptied with remove(), destroying it.
# expect: nodes and edges unchanged
def topological_order(nodes, edges):
    inputs = {v: set() for v in nodes}
    for src, dst in edges:
        inputs[dst].add(src)
    order, placed = [], set()
    while nodes:
        progress = False
        for v in list(nodes):
            if inputs[v] <= placed:
                order.append(v)
                placed.add(v)
                nodes.remove(v)
                progress = True
        if not progress:
            raise ValueError("the graph has a cycle")
    return order
