# Mistake: encodes by merging the pair most frequent in the word first, instead of applying the merges in the order they were learned.
# expect: in the order they were learned
def _merge(symbols, pair, new):
    """Replace every occurrence of `pair` in `symbols`, scanning left to right."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == pair[0] and symbols[i + 1] == pair[1]:
            out.append(new)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def bpe_train(words, counts, num_merges):
    vocab = {}
    for word, count in zip(words, counts):
        vocab[tuple(word)] = vocab.get(tuple(word), 0) + count
    merges = []
    for k in range(num_merges):
        stats = {}
        for word, count in vocab.items():
            for pair in zip(word, word[1:]):
                stats[pair] = stats.get(pair, 0) + count
        if not stats:  # every word is a single symbol: nothing left to merge
            break
        # Most frequent pair; ties go to the smallest pair (a, b).
        best = min(stats, key=lambda pair: (-stats[pair], pair))
        merges.append(best)
        merged = {}
        for word, count in vocab.items():
            new_word = _merge(word, best, 256 + k)
            merged[new_word] = merged.get(new_word, 0) + count
        vocab = merged
    return merges


def bpe_encode(word, merges):
    symbols = tuple(word)
    rank = {tuple(pair): k for k, pair in enumerate(merges)}
    while True:
        found = {}
        for pair in zip(symbols, symbols[1:]):
            if pair in rank:
                found[pair] = found.get(pair, 0) + 1
        if not found:
            return list(symbols)
        best = max(found, key=found.get)
        symbols = _merge(symbols, best, 256 + rank[best])
