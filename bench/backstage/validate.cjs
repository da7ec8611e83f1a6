#!/usr/bin/env node
// Validates every Backstage-kind entity found in the given files or folders
// with Backstage's own policies and kind validators (@backstage/catalog-model),
// as the catalog backend applies them. Linchpin's own kinds (apiVersion
// linchpin.dev/*) are skipped: Backstage does not ingest them.
//
// usage: node validate.cjs PATH...        exit 0 when every entity is valid
//        node validate.cjs --bench PATH...  also print the time taken
'use strict';
const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');
const m = require('@backstage/catalog-model');

const policy = m.EntityPolicies.allOf([
  new m.DefaultNamespaceEntityPolicy(),
  new m.NoForeignRootFieldsEntityPolicy(),
  new m.FieldFormatEntityPolicy(),
  new m.SchemaValidEntityPolicy(),
]);
const kindValidators = [
  m.apiEntityV1alpha1Validator,
  m.componentEntityV1alpha1Validator,
  m.domainEntityV1alpha1Validator,
  m.groupEntityV1alpha1Validator,
  m.locationEntityV1alpha1Validator,
  m.resourceEntityV1alpha1Validator,
  m.systemEntityV1alpha1Validator,
  m.userEntityV1alpha1Validator,
];
const BACKSTAGE_KINDS = new Set(['api', 'component', 'domain', 'group', 'location', 'resource', 'system', 'user']);

function files(p, out) {
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(p).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      files(path.join(p, name), out);
    }
  } else if (/\.ya?ml$/i.test(p)) {
    out.push(p);
  }
  return out;
}

// Backstage's PlaceholderProcessor replaces `$text: ./file` (and `$json`,
// `$yaml`) before validation; a string stands in for the file's content.
function substitutePlaceholders(value) {
  if (Array.isArray(value)) return value.map(substitutePlaceholders);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0].startsWith('$')) return `placeholder ${keys[0]} ${value[keys[0]]}`;
    const out = {};
    for (const k of keys) out[k] = substitutePlaceholders(value[k]);
    return out;
  }
  return value;
}

async function main() {
  const args = process.argv.slice(2);
  const bench = args[0] === '--bench';
  const roots = bench ? args.slice(1) : args;
  if (roots.length === 0) {
    console.error('usage: node validate.cjs [--bench] PATH...');
    process.exit(2);
  }
  const start = process.hrtime.bigint();
  let checked = 0, skipped = 0, failed = 0;
  for (const file of roots.flatMap((r) => files(r, []))) {
    const docs = yaml.loadAll(fs.readFileSync(file, 'utf8'));
    for (const raw of docs) {
      const entity = substitutePlaceholders(raw);
      if (!entity || typeof entity !== 'object') continue;
      if (typeof entity.apiVersion === 'string' && entity.apiVersion.startsWith('linchpin.dev/')) { skipped++; continue; }
      if (typeof entity.kind !== 'string' || !BACKSTAGE_KINDS.has(entity.kind.toLowerCase())) { skipped++; continue; }
      checked++;
      try {
        const result = await policy.enforce(entity);
        if (!result) throw new Error('rejected by policy');
        let handled = false;
        for (const v of kindValidators) {
          if (await v.check(result)) { handled = true; break; }
        }
        if (!handled) throw new Error(`no validator accepts kind ${entity.kind}`);
      } catch (e) {
        failed++;
        const name = entity.metadata && entity.metadata.name;
        console.error(`${file}: ${entity.kind} ${name}: ${e.message}`);
      }
    }
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`backstage: ${checked} entities validated, ${failed} invalid, ${skipped} not Backstage kinds${bench ? `, ${ms.toFixed(0)} ms` : ''}`);
  process.exit(failed ? 1 : 0);
}
main().catch((e) => { console.error(e); process.exit(2); });
