// Spectral custom function behind ruleset.yaml: looks a tool up in the catalog passed as
// `catalog` and reports the channels in use whose E2EE status is one the rule flags. It ports
// rules/no-e2ee.yaml and rules/e2ee-not-enforced.yaml as they read today:
//   no-e2ee            a channel in use is `none` or `org-keys`
//   e2ee-not-enforced  a channel in use is `opt-in`, `admin-opt-in` or `partial`, and the tool
//                      does not say `e2ee: enforced`
// both skipping `status: banned` tools and email systems (email-not-e2ee judges those).
//
// Options:
//   check:     'none' (no-e2ee) or 'opt-in' (e2ee-not-enforced)
//   sensitive: for 'opt-in' only: true reports only confidential/restricted tools, false only
//              the others (Spectral severities are per rule, so the split needs two rules)
//   catalog:   {systems, category_channels}, written into the ruleset by compare.sh from
//              rules/catalog.yaml (port-catalog.js)

const FLAGGED = {
  none: new Set(['none', 'org-keys']),
  'opt-in': new Set(['opt-in', 'admin-opt-in', 'partial']),
};
// Format v1's `text` is both text channels.
const INVENTORY_WORDS = {
  text: ['text_1to1', 'text_group'],
  text_1to1: ['text_1to1'],
  text_group: ['text_group'],
  voice: ['voice'],
  video: ['video'],
  files: ['files'],
  backups: ['backups'],
};
const SENSITIVE = new Set(['confidential', 'restricted']);

// Inventory categories that say a tool is for communication: a contextual alias ("Teams")
// resolves under one of these, or with a vendor that names the system.
const COMMUNICATION = new Set(['messaging', 'video-conferencing', 'voice']);

// Same normalisation as e2ee-lint's exact match: case-, space- and punctuation-insensitive.
const norm = (s) => String(s).toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

// The catalog arrives as a fresh options object per rule; index each one once, not per tool.
const indexes = new WeakMap();
function index(catalog) {
  let found = indexes.get(catalog);
  if (found === undefined) {
    const exact = new Map();
    const contextual = new Map();
    for (const system of catalog.systems) {
      for (const key of [system.name, ...system.aliases]) exact.set(norm(key), system);
      for (const key of system.contextual_aliases) {
        const list = contextual.get(norm(key)) || [];
        list.push(system);
        contextual.set(norm(key), list);
      }
    }
    found = { exact, contextual };
    indexes.set(catalog, found);
  }
  return found;
}

// Exact names and aliases; a contextual alias with a vendor naming one of its systems, or with
// one system and a communication category.
function lookup(catalog, tool) {
  const { exact, contextual } = index(catalog);
  const key = norm(tool.name);
  const system = exact.get(key);
  if (system !== undefined) return system;
  const candidates = contextual.get(key) || [];
  if (typeof tool.vendor === 'string') {
    const vendor = norm(tool.vendor);
    const named = candidates.filter((s) => s.vendors.some((v) => norm(v) === vendor));
    if (named.length === 1) return named[0];
  }
  if (candidates.length === 1 && COMMUNICATION.has(tool.category)) return candidates[0];
  return undefined;
}

// One tool's findings for the rule: one per judged system (a suite's components, each unless
// the file lists that component as a tool of its own).
function judge(tool, system, listed, opts, path) {
  if (opts.check === 'opt-in') {
    if (tool.e2ee === 'enforced') return [];
    if (SENSITIVE.has(tool.data_classification) !== Boolean(opts.sensitive)) return [];
  }
  const flagged = FLAGGED[opts.check];
  const narrow = opts.catalog.category_channels[tool.category];
  const subjects =
    system.components.length > 0
      ? system.components.filter((c) => !listed.has(c.id))
      : [system];
  const results = [];
  for (const subject of subjects) {
    if (subject.category === 'email') continue;
    let inUse = Array.isArray(tool.channels)
      ? [...new Set(tool.channels.flatMap((word) => INVENTORY_WORDS[word] || []))]
      : [...Object.keys(subject.channels), ...subject.unknown].filter((c) => c !== 'backups');
    if (narrow !== undefined) inUse = inUse.filter((c) => narrow.includes(c));
    const hits = inUse.filter((c) => flagged.has(subject.channels[c]));
    if (hits.length === 0) continue;
    const message =
      opts.check === 'none'
        ? `${tool.name}: no end-to-end encryption for ${hits.join(', ')}`
        : `${tool.name}: E2EE is not on by default and not enforced for ${hits.join(', ')}`;
    results.push({ message, path });
  }
  return results;
}

// The ids of the systems a file lists, once per file: whether a suite's component is listed is
// a property of the file, read from the document Spectral passes along.
const listedIn = new WeakMap();
function listed(catalog, document) {
  const tools = document && Array.isArray(document.tools) ? document.tools : [];
  let ids = listedIn.get(tools);
  if (ids === undefined) {
    ids = new Set();
    for (const tool of tools) {
      if (tool !== null && typeof tool === 'object' && typeof tool.name === 'string') {
        const system = lookup(catalog, tool);
        if (system !== undefined) ids.add(system.id);
      }
    }
    listedIn.set(tools, ids);
  }
  return ids;
}

export default function e2ee(tool, opts, context) {
  if (tool === null || typeof tool !== 'object' || typeof tool.name !== 'string') return [];
  if (tool.status === 'banned') return [];
  const system = lookup(opts.catalog, tool);
  if (system === undefined) return [];
  const ids = system.components.length > 0 ? listed(opts.catalog, context.document.data) : new Set();
  return judge(tool, system, ids, opts, [...context.path, 'name']);
}
