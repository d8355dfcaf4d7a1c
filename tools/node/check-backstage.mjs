// Check Backstage entities with @backstage/catalog-model: the entity policies the catalog
// applies on ingestion, then the validator of each entity's kind, then that every relation
// (owner aside: users and groups live elsewhere) points at an entity of the same set.
// Usage: node check-backstage.mjs ENTITIES.json  (a JSON array of entities)
// Prints a JSON array of problems (empty when every entity passes).
import { readFile } from "node:fs/promises";
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  componentEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
} from "@backstage/catalog-model";

const entities = JSON.parse(await readFile(process.argv[2], "utf8"));
const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);
const validators = {
  Component: componentEntityV1alpha1Validator,
  Location: locationEntityV1alpha1Validator,
  Resource: resourceEntityV1alpha1Validator,
  System: systemEntityV1alpha1Validator,
};
const problems = [];
const known = new Set();
const checked = [];
for (const raw of entities) {
  const label = `${raw?.kind}:${raw?.metadata?.name}`;
  try {
    const entity = await policy.enforce(raw);
    const validator = validators[entity.kind];
    if (!validator) throw new Error(`no validator for kind ${entity.kind}`);
    if ((await validator.check(entity)) !== true) throw new Error("not accepted by its kind");
    known.add(stringifyEntityRef(entity));
    checked.push(entity);
  } catch (err) {
    problems.push(`${label}: ${err.message}`);
  }
}
const defaults = {
  dependsOn: "component",
  subcomponentOf: "component",
  system: "system",
};
for (const entity of checked) {
  for (const [field, defaultKind] of Object.entries(defaults)) {
    const value = entity.spec?.[field];
    for (const ref of value === undefined ? [] : [value].flat()) {
      const target = stringifyEntityRef(parseEntityRef(ref, { defaultKind }));
      if (!known.has(target)) problems.push(`${entity.metadata.name}: ${field} ${ref} is not in the set`);
    }
  }
}
process.stdout.write(JSON.stringify(problems));
