/**
 * Hand-written JSON Schemas (draft-07, checked with Ajv in strict mode) for the observability
 * files this machine cannot load into the real products: Elasticsearch's ILM policy and index
 * template, Grafana's dashboards and provisioning, Kibana's saved objects. Strict on purpose:
 * unknown top-level keys are rejected, required fields must be present, durations must parse.
 */
import Ajv, { type ValidateFunction } from "ajv";

// strictRequired off: "required" inside anyOf branches names properties declared beside them.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });

export function compile(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

export function errorsOf(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
}

/** Elasticsearch time units. */
export const DURATION = "^[0-9]+(d|h|m|s|ms|micros|nanos)$";
const SIZE = "^[0-9]+(b|kb|mb|gb|tb|pb)$";

const obj = (properties: Record<string, object>, required: string[] = [], extra: object = {}) => ({
  type: "object",
  additionalProperties: false,
  properties,
  required,
  ...extra,
});

const anyObject = { type: "object" };
const priority = obj({ priority: { type: "integer", minimum: 0 } }, ["priority"]);

function phase(actions: Record<string, object>, requiredActions: string[]) {
  return obj({ min_age: { type: "string", pattern: DURATION }, actions: obj(actions, requiredActions) }, ["min_age", "actions"]);
}

export const ILM_POLICY_SCHEMA = obj(
  {
    policy: obj(
      {
        _meta: anyObject,
        phases: obj(
          {
            hot: phase(
              {
                rollover: obj(
                  {
                    max_age: { type: "string", pattern: DURATION },
                    max_primary_shard_size: { type: "string", pattern: SIZE },
                    max_size: { type: "string", pattern: SIZE },
                    max_docs: { type: "integer", minimum: 1 },
                  },
                  ["max_age", "max_primary_shard_size"],
                ),
                set_priority: priority,
                forcemerge: obj({ max_num_segments: { type: "integer", minimum: 1 } }, ["max_num_segments"]),
                readonly: obj({}),
              },
              ["rollover"],
            ),
            warm: phase(
              {
                readonly: obj({}),
                forcemerge: obj({ max_num_segments: { type: "integer", minimum: 1 } }, ["max_num_segments"]),
                shrink: obj({ number_of_shards: { type: "integer", minimum: 1 } }, ["number_of_shards"]),
                set_priority: priority,
                allocate: anyObject,
                migrate: anyObject,
              },
              [],
            ),
            cold: phase({ set_priority: priority, readonly: obj({}), allocate: anyObject, migrate: anyObject }, []),
            delete: phase({ delete: obj({ delete_searchable_snapshot: { type: "boolean" } }) }, ["delete"]),
          },
          ["hot", "delete"],
        ),
      },
      ["phases"],
    ),
  },
  ["policy"],
);

const FIELD_TYPES = [
  "keyword", "constant_keyword", "wildcard", "text", "match_only_text", "date", "date_nanos", "long", "integer", "short", "byte",
  "double", "float", "half_float", "scaled_float", "boolean", "object", "flattened", "ip", "nested",
];

export const INDEX_TEMPLATE_SCHEMA = {
  ...obj(
    {
      index_patterns: { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
      data_stream: obj({ hidden: { type: "boolean" }, allow_custom_routing: { type: "boolean" } }),
      priority: { type: "integer", minimum: 101, description: "above the built-in logs-*-* template (100)" },
      composed_of: { type: "array", items: { type: "string" } },
      version: { type: "integer" },
      _meta: anyObject,
      allow_auto_create: { type: "boolean" },
      template: obj(
        {
          settings: obj(
            {
              index: obj(
                {
                  lifecycle: obj({ name: { type: "string", minLength: 1 } }, ["name"]),
                  number_of_shards: { type: "integer", minimum: 1 },
                  number_of_replicas: { type: "integer", minimum: 0 },
                  codec: { enum: ["default", "best_compression"] },
                  mapping: anyObject,
                  refresh_interval: { type: "string", pattern: DURATION },
                },
                ["lifecycle"],
              ),
            },
            ["index"],
          ),
          mappings: obj(
            {
              dynamic: { enum: [true, false, "strict", "runtime"] },
              date_detection: { type: "boolean" },
              numeric_detection: { type: "boolean" },
              dynamic_templates: { type: "array", items: { type: "object", minProperties: 1, maxProperties: 1 } },
              properties: { $ref: "#/definitions/props" },
            },
            ["properties"],
          ),
          aliases: anyObject,
        },
        ["settings", "mappings"],
      ),
    },
    ["index_patterns", "data_stream", "priority", "template"],
  ),
  definitions: {
    props: { type: "object", minProperties: 1, additionalProperties: { $ref: "#/definitions/field" } },
    field: {
      type: "object",
      additionalProperties: false,
      properties: {
        type: { enum: FIELD_TYPES },
        properties: { $ref: "#/definitions/props" },
        fields: { $ref: "#/definitions/props" },
        index: { type: "boolean" },
        doc_values: { type: "boolean" },
        ignore_above: { type: "integer", minimum: 1 },
        format: { type: "string" },
        null_value: {},
        norms: { type: "boolean" },
      },
      anyOf: [{ required: ["type"] }, { required: ["properties"] }],
    },
  },
};

// ---------------------------------------------------------------- Grafana

const promRef = obj({ type: { const: "prometheus" }, uid: { const: "prometheus" } }, ["type", "uid"]);
const gridPos = obj(
  { h: { type: "integer", minimum: 1 }, w: { type: "integer", minimum: 1, maximum: 24 }, x: { type: "integer", minimum: 0, maximum: 23 }, y: { type: "integer", minimum: 0 } },
  ["h", "w", "x", "y"],
);
const target = obj(
  {
    refId: { type: "string", pattern: "^[A-Z]$" },
    datasource: promRef,
    expr: { type: "string", minLength: 1 },
    legendFormat: { type: "string" },
    range: { type: "boolean" },
    instant: { type: "boolean" },
    interval: { type: "string" },
    format: { enum: ["time_series", "table", "heatmap"] },
  },
  ["refId", "datasource", "expr"],
);
const rowPanel = obj(
  { id: { type: "integer" }, type: { const: "row" }, title: { type: "string", minLength: 1 }, collapsed: { type: "boolean" }, panels: { type: "array", maxItems: 0 }, gridPos },
  ["id", "type", "title", "collapsed", "panels", "gridPos"],
);
const dataPanel = obj(
  {
    id: { type: "integer" },
    type: { enum: ["timeseries", "stat", "gauge", "bargauge", "table", "heatmap", "barchart"] },
    title: { type: "string", minLength: 1 },
    description: { type: "string" },
    gridPos,
    datasource: promRef,
    targets: { type: "array", minItems: 1, items: target },
    fieldConfig: obj({ defaults: { type: "object", required: ["unit"] }, overrides: { type: "array" } }, ["defaults", "overrides"]),
    options: anyObject,
  },
  ["id", "type", "title", "gridPos", "datasource", "targets", "fieldConfig"],
);
const templateVar = obj(
  {
    name: { type: "string", pattern: "^[a-zA-Z_][a-zA-Z0-9_]*$" },
    label: { type: "string" },
    type: { enum: ["query", "custom", "interval", "constant", "datasource", "textbox"] },
    datasource: promRef,
    definition: { type: "string" },
    query: anyObject,
    includeAll: { type: "boolean" },
    allValue: { type: "string" },
    multi: { type: "boolean" },
    refresh: { enum: [0, 1, 2] },
    sort: { type: "integer" },
    current: anyObject,
    hide: { enum: [0, 1, 2] },
  },
  ["name", "type"],
);

export const GRAFANA_DASHBOARD_SCHEMA = obj(
  {
    id: { type: ["integer", "null"] },
    uid: { type: "string", pattern: "^[a-z0-9-]{1,40}$" },
    title: { type: "string", minLength: 1 },
    description: { type: "string" },
    tags: { type: "array", items: { type: "string" } },
    timezone: { enum: ["browser", "utc", ""] },
    editable: { type: "boolean" },
    graphTooltip: { enum: [0, 1, 2] },
    schemaVersion: { type: "integer", minimum: 36 },
    version: { type: "integer" },
    refresh: { type: "string" },
    time: obj({ from: { type: "string" }, to: { type: "string" } }, ["from", "to"]),
    fiscalYearStartMonth: { type: "integer" },
    liveNow: { type: "boolean" },
    weekStart: { type: "string" },
    templating: obj({ list: { type: "array", items: templateVar } }, ["list"]),
    annotations: obj({ list: { type: "array" } }, ["list"]),
    links: { type: "array" },
    panels: { type: "array", minItems: 1, items: { oneOf: [rowPanel, dataPanel] } },
  },
  ["uid", "title", "schemaVersion", "time", "templating", "panels"],
);

const envRef = { type: "string", pattern: "^\\$\\{?[A-Z_][A-Z0-9_]*\\}?$" };

export const GRAFANA_DATASOURCES_SCHEMA = obj(
  {
    apiVersion: { const: 1 },
    deleteDatasources: { type: "array" },
    datasources: {
      type: "array",
      minItems: 1,
      items: obj(
        {
          name: { type: "string", minLength: 1 },
          uid: { type: "string", pattern: "^[a-z0-9-]+$" },
          type: { enum: ["prometheus", "elasticsearch", "alertmanager", "loki"] },
          access: { const: "proxy" },
          url: { type: "string", pattern: "^https?://" },
          isDefault: { type: "boolean" },
          editable: { type: "boolean" },
          basicAuth: { type: "boolean" },
          // Credentials only as environment references, never literal values.
          basicAuthUser: envRef,
          jsonData: anyObject,
          secureJsonData: { type: "object", additionalProperties: envRef },
        },
        ["name", "uid", "type", "access", "url"],
      ),
    },
  },
  ["apiVersion", "datasources"],
);

export const GRAFANA_DASHBOARD_PROVIDERS_SCHEMA = obj(
  {
    apiVersion: { const: 1 },
    providers: {
      type: "array",
      minItems: 1,
      items: obj(
        {
          name: { type: "string" },
          orgId: { type: "integer" },
          folder: { type: "string" },
          folderUid: { type: "string" },
          type: { const: "file" },
          disableDeletion: { type: "boolean" },
          allowUiUpdates: { type: "boolean" },
          updateIntervalSeconds: { type: "integer", minimum: 10 },
          options: obj({ path: { type: "string", pattern: "^/" }, foldersFromFilesStructure: { type: "boolean" } }, ["path"]),
        },
        ["name", "type", "options"],
      ),
    },
  },
  ["apiVersion", "providers"],
);

// ---------------------------------------------------------------- Kibana

const reference = obj({ name: { type: "string", minLength: 1 }, type: { enum: ["index-pattern", "visualization", "search", "dashboard", "lens"] }, id: { type: "string", minLength: 1 } }, ["name", "type", "id"]);
const searchSource = obj({ searchSourceJSON: { type: "string", minLength: 2 } }, ["searchSourceJSON"]);
const lensColumn = obj(
  {
    label: { type: "string", minLength: 1 },
    customLabel: { type: "boolean" },
    dataType: { enum: ["number", "string", "date", "boolean", "ip"] },
    operationType: { enum: ["count", "date_histogram", "terms", "sum", "average", "min", "max", "median", "unique_count", "percentile", "last_value"] },
    sourceField: { type: "string", minLength: 1 },
    isBucketed: { type: "boolean" },
    scale: { enum: ["ratio", "interval", "ordinal"] },
    params: anyObject,
    filter: obj({ query: { type: "string" }, language: { enum: ["kuery", "lucene"] } }, ["query", "language"]),
  },
  ["label", "dataType", "operationType", "sourceField", "isBucketed", "scale"],
);
const lensLayer = obj(
  {
    columns: { type: "object", minProperties: 1, additionalProperties: lensColumn },
    columnOrder: { type: "array", minItems: 1, items: { type: "string" } },
    incompleteColumns: anyObject,
    ignoreGlobalFilters: { type: "boolean" },
  },
  ["columns", "columnOrder"],
);
const savedObject = (type: string, attributes: object) =>
  obj(
    {
      type: { const: type },
      id: { type: "string", pattern: "^[a-z0-9-]+$" },
      managed: { type: "boolean" },
      attributes,
      references: { type: "array", items: reference },
      migrationVersion: { type: "object", additionalProperties: { type: "string", pattern: "^[0-9]+\\.[0-9]+\\.[0-9]+$" } },
      coreMigrationVersion: { type: "string" },
      typeMigrationVersion: { type: "string" },
    },
    ["type", "id", "attributes", "references"],
    { definitions: { lensLayer } },
  );

export const KIBANA_SCHEMAS: Record<string, object> = {
  "index-pattern": savedObject(
    "index-pattern",
    obj({ title: { type: "string", minLength: 1 }, name: { type: "string" }, timeFieldName: { type: "string" }, fieldFormatMap: { type: "string" } }, ["title", "timeFieldName"]),
  ),
  search: savedObject(
    "search",
    obj(
      { title: { type: "string", minLength: 1 }, description: { type: "string" }, columns: { type: "array", items: { type: "string" } }, sort: { type: "array" }, kibanaSavedObjectMeta: searchSource },
      ["title", "columns", "kibanaSavedObjectMeta"],
    ),
  ),
  // Lens (by reference), in the shape Kibana 8.6+ stores it ("formBased" datasource), as in
  // Kibana's own sample data sets and by-value Lens panels; the import itself was not run here.
  lens: savedObject(
    "lens",
    obj(
      {
        title: { type: "string", minLength: 1 },
        description: { type: "string" },
        visualizationType: { enum: ["lnsXY", "lnsDatatable", "lnsMetric", "lnsPie"] },
        state: obj(
          {
            datasourceStates: obj({ formBased: obj({ layers: { type: "object", minProperties: 1, additionalProperties: { $ref: "#/definitions/lensLayer" } } }, ["layers"]) }, ["formBased"]),
            visualization: anyObject,
            query: obj({ query: { type: "string" }, language: { enum: ["kuery", "lucene"] } }, ["query", "language"]),
            filters: { type: "array" },
            internalReferences: { type: "array" },
            adHocDataViews: anyObject,
          },
          ["datasourceStates", "visualization", "query", "filters"],
        ),
      },
      ["title", "visualizationType", "state"],
    ),
  ),
  dashboard: savedObject(
    "dashboard",
    obj(
      {
        title: { type: "string", minLength: 1 },
        description: { type: "string" },
        panelsJSON: { type: "string", minLength: 2 },
        optionsJSON: { type: "string" },
        version: { type: "integer" },
        timeRestore: { type: "boolean" },
        timeFrom: { type: "string" },
        timeTo: { type: "string" },
        refreshInterval: anyObject,
        kibanaSavedObjectMeta: searchSource,
      },
      ["title", "panelsJSON", "kibanaSavedObjectMeta"],
    ),
  ),
};
