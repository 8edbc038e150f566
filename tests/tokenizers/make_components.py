#!/usr/bin/env python3
"""Writes components/*.json: small tokenizer.json files, one per group of components that the real
models' files do not use (Metaspace, Split behaviours, Digits, Punctuation, NFKC, NFD + StripAccents,
Lowercase, Replace, Prepend, added-token flags, RobertaProcessing, ByteLevel with a prefix space).
The model is WordPiece over every character of the corpus (and its normalised forms) with "##"
continuations, so that each pre-tokenised piece shows as c ##c ##c: the piece boundaries are
visible in the tokens. Run once; the files are committed."""
import json, os, unicodedata

here = os.path.dirname(os.path.abspath(__file__))
corpus = json.load(open(os.path.join(here, 'corpus.json'), encoding='utf-8'))

def byte_level_chars():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return [chr(c) for c in cs]

chars = set('▁ ')
for text in corpus:
    for form in ('NFC', 'NFD', 'NFKC', 'NFKD'):
        t = unicodedata.normalize(form, text)
        chars.update(t); chars.update(t.lower())
chars.update(byte_level_chars())
specials = ['[UNK]', '[CLS]', '[SEP]', '<s>', '</s>', '<r>', '<l>', 'ab', 'hello']
vocab = {}
for t in specials + sorted(chars) + ['##' + c for c in sorted(chars)]:
    vocab.setdefault(t, len(vocab))

def added(content, special=True, **flags):
    d = {'id': vocab[content], 'content': content, 'single_word': False, 'lstrip': False, 'rstrip': False,
         'normalized': not special, 'special': special}
    d.update(flags)
    return d

def tokenizer(pre, normalizer=None, post=None, added_tokens=None):
    return {'version': '1.0', 'truncation': None, 'padding': None,
            'added_tokens': added_tokens if added_tokens is not None else [added('<s>'), added('[CLS]')],
            'normalizer': normalizer, 'pre_tokenizer': pre, 'post_processor': post, 'decoder': None,
            'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                      'max_input_chars_per_word': 1000, 'vocab': vocab}}

template = {'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
            'pair': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}}],
            'special_tokens': {'<s>': {'id': '<s>', 'ids': [vocab['<s>']], 'tokens': ['<s>']},
                               '</s>': {'id': '</s>', 'ids': [vocab['</s>']], 'tokens': ['</s>']}}}
components = {
    # The JavaScript port prepends only with the older add_prefix_space and never splits, so
    # these two keep split false; metaspace_split_first is checked by hand (tst_hf_tokenizer).
    'metaspace_first': tokenizer({'type': 'Metaspace', 'replacement': '▁', 'add_prefix_space': True,
                                  'prepend_scheme': 'first', 'split': False}),
    'metaspace_always': tokenizer({'type': 'Metaspace', 'replacement': '▁', 'add_prefix_space': True,
                                   'prepend_scheme': 'always', 'split': False}, post=template),
    'metaspace_split_first': tokenizer({'type': 'Metaspace', 'replacement': '▁', 'prepend_scheme': 'first', 'split': True}),
    'split_behaviors': tokenizer({'type': 'Sequence', 'pretokenizers': [
        {'type': 'Split', 'pattern': {'String': ' '}, 'behavior': 'Removed', 'invert': False},
        {'type': 'Split', 'pattern': {'Regex': '\\d+'}, 'behavior': 'MergedWithPrevious', 'invert': False},
        {'type': 'Split', 'pattern': {'String': ','}, 'behavior': 'MergedWithNext', 'invert': False},
        {'type': 'Split', 'pattern': {'Regex': '\\s'}, 'behavior': 'Contiguous', 'invert': False}]}),
    'digits_punctuation': tokenizer({'type': 'Sequence', 'pretokenizers': [
        {'type': 'WhitespaceSplit'}, {'type': 'Digits', 'individual_digits': False},
        {'type': 'Punctuation', 'behavior': 'Isolated'}]}),
    'digits_individual_whitespace': tokenizer({'type': 'Sequence', 'pretokenizers': [
        {'type': 'Whitespace'}, {'type': 'Digits', 'individual_digits': True}]}),
    'nfkc_lowercase_replace': tokenizer({'type': 'WhitespaceSplit'}, normalizer={'type': 'Sequence', 'normalizers': [
        {'type': 'NFKC'}, {'type': 'Lowercase'}, {'type': 'Replace', 'pattern': {'Regex': '[0-9]+'}, 'content': '#'},
        {'type': 'Prepend', 'prepend': '▁'}]}),
    'nfd_strip_accents': tokenizer({'type': 'BertPreTokenizer'}, normalizer={'type': 'Sequence', 'normalizers': [
        {'type': 'NFD'}, {'type': 'StripAccents'}, {'type': 'Lowercase'}]}),
    'added_token_flags': tokenizer({'type': 'WhitespaceSplit'}, normalizer={'type': 'Lowercase'}, added_tokens=[
        added('<r>', rstrip=True), added('<l>', lstrip=True), added('ab', special=False, single_word=True),
        added('hello', special=False), added('<s>')]),
    'byte_level_roberta': tokenizer({'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
                                    post={'type': 'RobertaProcessing', 'sep': ['</s>', vocab['</s>']],
                                          'cls': ['<s>', vocab['<s>']], 'trim_offsets': True, 'add_prefix_space': True}),
}
os.makedirs(os.path.join(here, 'components'), exist_ok=True)
for name, tok in components.items():
    with open(os.path.join(here, 'components', name + '.json'), 'w', encoding='utf-8') as f:
        json.dump(tok, f, ensure_ascii=False)
print(len(vocab), 'tokens;', ', '.join(components))
