// Spectral custom function behind ruleset.yaml: looks a tool up in the catalog passed as
// `catalog` and reports the channels in use whose E2EE status is `check` (`none` or `opt-in`).
//
// Options:
//   check:     'none' (no-e2ee) or 'opt-in' (e2ee-not-enforced)
//   sensitive: for 'opt-in' only: true reports only confidential/restricted tools, false only
//              the others (Spectral severities are per rule, so the split needs two rules)
//   catalog:   [{id, name, aliases, e2ee: {text, voice, video}}]

const ALL_CHANNELS = ['text', 'voice', 'video'];
const SENSITIVE = new Set(['confidential', 'restricted']);

// Same normalisation as e2ee-lint: case-, space- and punctuation-insensitive.
const norm = (s) => String(s).toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

// The catalog arrives as a fresh options object per rule; index each one once, not per tool.
const indexes = new WeakMap();
function lookup(catalog, name) {
  let index = indexes.get(catalog);
  if (index === undefined) {
    index = new Map();
    for (const system of catalog) {
      for (const key of [system.id, system.name, ...(system.aliases || [])]) {
        index.set(norm(key), system);
      }
    }
    indexes.set(catalog, index);
  }
  return index.get(norm(name));
}

export default function e2ee(tool, opts, context) {
  if (tool === null || typeof tool !== 'object' || typeof tool.name !== 'string') return [];
  if (tool.status === 'banned') return [];
  const system = lookup(opts.catalog, tool.name);
  if (system === undefined) return [];

  if (opts.check === 'opt-in') {
    if (tool.e2ee === 'enforced') return [];
    if (SENSITIVE.has(tool.data_classification) !== Boolean(opts.sensitive)) return [];
  }
  const inUse = Array.isArray(tool.channels) ? tool.channels : ALL_CHANNELS;
  const hits = inUse.filter((c) => system.e2ee[c] === opts.check);
  if (hits.length === 0) return [];

  const message =
    opts.check === 'none'
      ? `${tool.name}: no end-to-end encryption for ${hits.join(', ')}`
      : `${tool.name}: E2EE is opt-in and not enforced for ${hits.join(', ')}`;
  return [{ message, path: [...context.path, 'name'] }];
}
