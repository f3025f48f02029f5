// Writes the Spectral ruleset compare.sh runs: ruleset.yaml with its empty `catalog` list
// filled from rules/catalog.yaml (read with the YAML parser Spectral itself ships), so the port
// always judges today's catalog.
//
// Usage: node port-catalog.js SPECTRAL_DIR CATALOG_YAML RULESET_TEMPLATE OUT
const fs = require('fs');
const path = require('path');

const [spectralDir, catalogFile, template, out] = process.argv.slice(2);
const yaml = require(path.join(spectralDir, 'node_modules', '@stoplight', 'yaml'));
const catalog = yaml.parse(fs.readFileSync(catalogFile, 'utf8'));
const byId = new Map(catalog.systems.map((s) => [s.id, s]));
const port = (s) => ({
  id: s.id,
  name: s.name,
  aliases: s.aliases || [],
  contextual_aliases: s.contextual_aliases || [],
  vendors: [s.vendor, ...(s.vendor_names || [])].filter(Boolean),
  category: s.category,
  channels: Object.fromEntries(Object.entries(s.channels || {}).map(([c, v]) => [c, v.status])),
  unknown: s.unknown || [],
  // A suite is judged on each component it includes.
  components: (s.includes || []).map((id) => port(byId.get(id))),
});
const options = {
  systems: catalog.systems.map(port),
  category_channels: catalog.category_channels || {},
};
const text = fs.readFileSync(template, 'utf8');
const slot = 'catalog: &catalog []';
if (!text.includes(slot)) throw new Error(`no \`${slot}\` in ${template}`);
fs.writeFileSync(out, text.replace(slot, `catalog: &catalog ${JSON.stringify(options)}`));
