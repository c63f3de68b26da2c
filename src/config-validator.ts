// The settings check, compiled from the schema by Ajv when this module is loaded: what the tests
// and tsx run. The bundles (scripts/build.mjs) put in its place the same check compiled at build
// time (Ajv's standalone code, the same options), so a command or the server neither loads Ajv
// for it nor compiles it at every start (together a third of a command's start-up). Checking
// the schema against the meta-schema and optimising code that runs once are skipped; the schema
// is fixed and a test checks that it is valid.
import { Ajv } from 'ajv'
import { ConfigSchema } from './config-schema.js'
import { uri } from './config-formats.js'

export const CONFIG_AJV_OPTIONS = { coerceTypes: true, useDefaults: true, allErrors: true, strict: false, validateSchema: false, code: { optimize: false } } as const

export const validateConfig = new Ajv(CONFIG_AJV_OPTIONS).addFormat('uri', uri).compile(ConfigSchema)
