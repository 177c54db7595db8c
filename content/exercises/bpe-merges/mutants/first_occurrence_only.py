# Mistake: replaces only the first occurrence of the pair in each word (a `break` after the first match).
# expect: every occurrence
def _merge(symbols, pair, new):
    for i in range(len(symbols) - 1):
        if symbols[i] == pair[0] and symbols[i + 1] == pair[1]:
            return tuple(symbols[:i]) + (new,) + tuple(symbols[i + 2:])
    return tuple(symbols)


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
        if not stats:
            break
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
    for k, pair in enumerate(merges):
        symbols = _merge(symbols, pair, 256 + k)
    return list(symbols)
