import { Data, Either, ParseResult, Schema } from "effect"

/**
 * The tables a BigQuery statement reads, as names and GoogleSQL types: what a SQL analyser
 * needs to resolve names and types offline. Types are written as GoogleSQL spells them
 * ("INT64", "ARRAY<STRUCT<key STRING, value INT64>>"); `parseSqlType` reads them and
 * `formatSqlType` writes them. `decodeBigQuerySchemas` reads the JSON that
 * `bq show --schema --format=json` prints, one entry per table.
 */
export interface TableSchema {
  /** The table's path as a query names it: "clients_daily", "telemetry.events", "project.dataset.table". */
  readonly name: string
  readonly columns: ReadonlyArray<ColumnSchema>
}

export interface ColumnSchema {
  readonly name: string
  /** GoogleSQL spelling, e.g. "STRING", "ARRAY<STRUCT<key STRING, value INT64>>". */
  readonly type: string
}

export const scalarTypeNames = [
  "STRING",
  "BYTES",
  "INT64",
  "FLOAT64",
  "NUMERIC",
  "BIGNUMERIC",
  "BOOL",
  "DATE",
  "DATETIME",
  "TIME",
  "TIMESTAMP",
  "GEOGRAPHY",
  "JSON",
  "INTERVAL",
] as const

export type ScalarTypeName = (typeof scalarTypeNames)[number]

export type SqlType =
  | { readonly _tag: "Scalar"; readonly name: ScalarTypeName }
  | { readonly _tag: "Array"; readonly element: SqlType }
  | { readonly _tag: "Struct"; readonly fields: ReadonlyArray<StructField> }
  | { readonly _tag: "Range"; readonly element: SqlType }

/** A field of a STRUCT; the name is "" for an anonymous field (`STRUCT<INT64>`). */
export interface StructField {
  readonly name: string
  readonly type: SqlType
}

const scalar = (name: ScalarTypeName): SqlType => ({ _tag: "Scalar", name })

/** GoogleSQL names and the aliases BigQuery DDL accepts for them. */
const scalarAliases: Readonly<Record<string, ScalarTypeName>> = {
  ...Object.fromEntries(scalarTypeNames.map((name) => [name, name])),
  INT: "INT64",
  SMALLINT: "INT64",
  INTEGER: "INT64",
  BIGINT: "INT64",
  TINYINT: "INT64",
  BYTEINT: "INT64",
  DECIMAL: "NUMERIC",
  BIGDECIMAL: "BIGNUMERIC",
}

/** Reserved keywords of GoogleSQL: a struct field so named is written in backticks. */
const reservedKeywords = new Set(
  (
    "ALL AND ANY ARRAY AS ASC ASSERT_ROWS_MODIFIED AT BETWEEN BY CASE CAST COLLATE CONTAINS " +
    "CREATE CROSS CUBE CURRENT DEFAULT DEFINE DESC DISTINCT ELSE END ENUM ESCAPE EXCEPT " +
    "EXCLUDE EXISTS EXTRACT FALSE FETCH FOLLOWING FOR FROM FULL GROUP GROUPING GROUPS HASH " +
    "HAVING IF IGNORE IN INNER INTERSECT INTERVAL INTO IS JOIN LATERAL LEFT LIKE LIMIT LOOKUP " +
    "MERGE NATURAL NEW NO NOT NULL NULLS OF ON OR ORDER OUTER OVER PARTITION PRECEDING PROTO " +
    "QUALIFY RANGE RECURSIVE RESPECT RIGHT ROLLUP ROWS SELECT SET SOME STRUCT TABLESAMPLE THEN " +
    "TO TREAT TRUE UNBOUNDED UNION UNNEST USING WHEN WHERE WINDOW WITH WITHIN"
  ).split(" "),
)

/** A struct field name as GoogleSQL accepts it in a type: bare when it can be, else quoted. */
export const formatFieldName = (name: string): string =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !reservedKeywords.has(name.toUpperCase())
    ? name
    : `\`${name.replaceAll("\\", "\\\\").replaceAll("`", "\\`")}\``

export const formatSqlType = (type: SqlType): string => {
  switch (type._tag) {
    case "Scalar":
      return type.name
    case "Array":
      return `ARRAY<${formatSqlType(type.element)}>`
    case "Range":
      return `RANGE<${formatSqlType(type.element)}>`
    case "Struct":
      return `STRUCT<${type.fields
        .map((field) =>
          field.name === ""
            ? formatSqlType(field.type)
            : `${formatFieldName(field.name)} ${formatSqlType(field.type)}`,
        )
        .join(", ")}>`
  }
}

type Token =
  | { readonly kind: "word"; readonly text: string }
  | { readonly kind: "quoted"; readonly text: string }
  | { readonly kind: "symbol"; readonly text: string }
  | { readonly kind: "number"; readonly text: string }

const tokenize = (text: string): Either.Either<ReadonlyArray<Token>, string> => {
  const tokens: Array<Token> = []
  let i = 0
  while (i < text.length) {
    const rest = text.slice(i)
    const space = /^\s+/.exec(rest)
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)
    const number = /^[0-9]+/.exec(rest)
    if (space !== null) {
      i += space[0].length
    } else if (word !== null) {
      tokens.push({ kind: "word", text: word[0] })
      i += word[0].length
    } else if (number !== null) {
      tokens.push({ kind: "number", text: number[0] })
      i += number[0].length
    } else if (rest.startsWith("`")) {
      const quoted = /^`((?:[^`\\]|\\.)*)`/.exec(rest)
      if (quoted === null) return Either.left("unterminated `quoted` name")
      tokens.push({ kind: "quoted", text: (quoted[1] ?? "").replaceAll(/\\(.)/g, "$1") })
      i += quoted[0].length
    } else if ("<>,()".includes(rest.charAt(0))) {
      tokens.push({ kind: "symbol", text: rest.charAt(0) })
      i += 1
    } else {
      return Either.left(`unexpected character ${JSON.stringify(rest.charAt(0))}`)
    }
  }
  return Either.right(tokens)
}

class TypeParser {
  private position = 0
  constructor(private readonly tokens: ReadonlyArray<Token>) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.position + offset]
  }

  private describe(token: Token | undefined): string {
    return token === undefined ? "the end" : JSON.stringify(token.text)
  }

  private expect(symbol: string): Either.Either<void, string> {
    const token = this.peek()
    if (token?.kind === "symbol" && token.text === symbol) {
      this.position += 1
      return Either.right(undefined)
    }
    return Either.left(`expected "${symbol}" but found ${this.describe(token)}`)
  }

  atEnd(): boolean {
    return this.position >= this.tokens.length
  }

  leftover(): string {
    return `unexpected ${this.describe(this.peek())} after the type`
  }

  /** Length and precision parameters, as in STRING(10) or NUMERIC(10, 2), say nothing to an analyser. */
  private skipParameters(): Either.Either<void, string> {
    const open = this.peek()
    if (open?.kind !== "symbol" || open.text !== "(") return Either.right(undefined)
    this.position += 1
    for (;;) {
      const token = this.peek()
      if (token === undefined) return Either.left('expected ")" but found the end')
      this.position += 1
      if (token.kind === "symbol" && token.text === ")") return Either.right(undefined)
      const allowed =
        token.kind === "number" ||
        (token.kind === "symbol" && token.text === ",") ||
        (token.kind === "word" && token.text.toUpperCase() === "MAX")
      if (!allowed) return Either.left(`unexpected ${this.describe(token)} in type parameters`)
    }
  }

  parseType(): Either.Either<SqlType, string> {
    const token = this.peek()
    if (token?.kind !== "word")
      return Either.left(`expected a type but found ${this.describe(token)}`)
    this.position += 1
    const name = token.text.toUpperCase()
    if (name === "ARRAY") {
      return Either.gen(this, function* () {
        yield* this.expect("<")
        const element = yield* this.parseType()
        if (element._tag === "Array") return yield* Either.left("an ARRAY cannot hold an ARRAY")
        yield* this.expect(">")
        return { _tag: "Array", element } satisfies SqlType
      })
    }
    if (name === "RANGE") {
      return Either.gen(this, function* () {
        yield* this.expect("<")
        const element = yield* this.parseType()
        if (
          element._tag !== "Scalar" ||
          !["DATE", "DATETIME", "TIMESTAMP"].includes(element.name)
        ) {
          return yield* Either.left("a RANGE holds DATE, DATETIME or TIMESTAMP")
        }
        yield* this.expect(">")
        return { _tag: "Range", element } satisfies SqlType
      })
    }
    if (name === "STRUCT") return this.parseStruct()
    const scalarName = scalarAliases[name]
    if (scalarName === undefined) return Either.left(`unknown type ${token.text}`)
    return Either.map(this.skipParameters(), () => scalar(scalarName))
  }

  private parseStruct(): Either.Either<SqlType, string> {
    return Either.gen(this, function* () {
      yield* this.expect("<")
      const fields: Array<StructField> = []
      const close = this.peek()
      if (close?.kind === "symbol" && close.text === ">") {
        this.position += 1
        return { _tag: "Struct", fields } satisfies SqlType
      }
      for (;;) {
        const first = this.peek()
        const second = this.peek(1)
        // A field is named when a name precedes its type: `key STRING`, not `STRING`.
        const named =
          first?.kind === "quoted" ||
          (first?.kind === "word" && (second?.kind === "word" || second?.kind === "quoted"))
        let fieldName = ""
        if (named && first !== undefined) {
          fieldName = first.text
          this.position += 1
        }
        fields.push({ name: fieldName, type: yield* this.parseType() })
        const next = this.peek()
        if (next?.kind === "symbol" && next.text === ",") {
          this.position += 1
          continue
        }
        yield* this.expect(">")
        return { _tag: "Struct", fields } satisfies SqlType
      }
    })
  }
}

/**
 * Reads a GoogleSQL type: the scalar types (with BigQuery's DDL aliases such as INTEGER and
 * DECIMAL, and parameters such as STRING(10) ignored), ARRAY<T>, STRUCT<name T, ...> (names
 * may be `quoted`; anonymous fields allowed) and RANGE<T>. The error says what is wrong.
 */
export const parseSqlType = (text: string): Either.Either<SqlType, string> =>
  Either.gen(function* () {
    const parser = new TypeParser(yield* tokenize(text))
    const type = yield* parser.parseType()
    if (!parser.atEnd()) return yield* Either.left(parser.leftover())
    return type
  }).pipe(Either.mapLeft((reason) => `invalid type ${JSON.stringify(text)}: ${reason}`))

/**
 * A schemas file could not be read: names the table (its key in the file) and the path of
 * the field (dotted through RECORDs; "" when the table's entry itself is wrong).
 */
export class TableSchemaError extends Data.TaggedError("TableSchemaError")<{
  readonly table: string
  readonly field: string
  readonly message: string
  /** What was thrown underneath, when something was (Error's own `cause`). */
  readonly cause?: unknown
}> {}

const BigQueryField = Schema.Struct({
  name: Schema.String,
  type: Schema.String,
  mode: Schema.optional(Schema.String),
  fields: Schema.optional(Schema.Array(Schema.Unknown)),
  rangeElementType: Schema.optional(Schema.Struct({ type: Schema.String })),
})

const SchemasFile = Schema.Record({ key: Schema.String, value: Schema.Array(Schema.Unknown) })

/** The legacy names the BigQuery API prints, with their GoogleSQL names. */
const legacyScalarNames: Readonly<Record<string, ScalarTypeName>> = {
  INTEGER: "INT64",
  FLOAT: "FLOAT64",
  BOOLEAN: "BOOL",
  DECIMAL: "NUMERIC",
  BIGDECIMAL: "BIGNUMERIC",
}

const shapeProblem = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) =>
      issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`,
    )
    .join("; ")

const fieldsOf = (
  table: string,
  parent: string,
  entries: ReadonlyArray<unknown>,
): Either.Either<ReadonlyArray<StructField>, TableSchemaError> =>
  Either.gen(function* () {
    const fields: Array<StructField> = []
    const seen = new Set<string>()
    for (const [index, entry] of entries.entries()) {
      // Until the entry is known to be a field, it is named by its name if it has one.
      const label =
        typeof entry === "object" &&
        entry !== null &&
        "name" in entry &&
        typeof entry.name === "string" &&
        entry.name !== ""
          ? entry.name
          : `#${index + 1}`
      const where = parent === "" ? label : `${parent}.${label}`
      const fail = (field: string, reason: string) =>
        Either.left(
          new TableSchemaError({ table, field, message: `${table}: field ${field}: ${reason}` }),
        )
      const raw = yield* Schema.decodeUnknownEither(BigQueryField)(entry).pipe(
        Either.mapLeft(
          (error) =>
            new TableSchemaError({
              table,
              field: where,
              message: `${table}: field ${where}: ${shapeProblem(error)}`,
            }),
        ),
      )
      const path = parent === "" ? raw.name : `${parent}.${raw.name}`
      if (raw.name === "") return yield* fail(where, "the name is empty")
      if (seen.has(raw.name.toLowerCase())) return yield* fail(path, "the name is used twice")
      seen.add(raw.name.toLowerCase())
      const typeName = raw.type.toUpperCase()
      const mode = (raw.mode ?? "NULLABLE").toUpperCase()
      if (!["NULLABLE", "REQUIRED", "REPEATED"].includes(mode)) {
        return yield* fail(
          path,
          `unknown mode ${JSON.stringify(raw.mode)} (NULLABLE, REQUIRED or REPEATED)`,
        )
      }
      const isRecord = typeName === "RECORD" || typeName === "STRUCT"
      if (!isRecord && raw.fields !== undefined && raw.fields.length > 0) {
        return yield* fail(path, `a ${typeName} field has no "fields" (only RECORD or STRUCT)`)
      }
      let type: SqlType
      if (isRecord) {
        if (raw.fields === undefined || raw.fields.length === 0) {
          return yield* fail(path, `a ${typeName} needs "fields"`)
        }
        type = { _tag: "Struct", fields: yield* fieldsOf(table, path, raw.fields) }
      } else if (typeName === "RANGE") {
        const element = raw.rangeElementType?.type.toUpperCase()
        if (element !== "DATE" && element !== "DATETIME" && element !== "TIMESTAMP") {
          return yield* fail(path, 'a RANGE needs "rangeElementType": DATE, DATETIME or TIMESTAMP')
        }
        type = { _tag: "Range", element: scalar(element) }
      } else {
        const name =
          legacyScalarNames[typeName] ?? scalarTypeNames.find((candidate) => candidate === typeName)
        if (name === undefined) return yield* fail(path, `unknown type ${JSON.stringify(raw.type)}`)
        type = scalar(name)
      }
      fields.push({
        name: raw.name,
        type: mode === "REPEATED" ? { _tag: "Array", element: type } : type,
      })
    }
    return fields
  })

/**
 * Tables from a schemas file: an object whose keys are table paths ("project.dataset.table",
 * or any name a query uses) and whose values are what `bq show --schema --format=json`
 * prints for the table. Legacy type names become GoogleSQL ones (INTEGER → INT64, FLOAT →
 * FLOAT64, BOOLEAN → BOOL, RECORD → STRUCT<...>), a REPEATED field an ARRAY. Extra keys
 * (description, policyTags, ...) are ignored. Pure: the caller reads and JSON-parses the file.
 */
export const decodeBigQuerySchemas = (
  input: unknown,
): Either.Either<ReadonlyArray<TableSchema>, TableSchemaError> =>
  Either.gen(function* () {
    const file = yield* Schema.decodeUnknownEither(SchemasFile)(input).pipe(
      Either.mapLeft(
        (error) =>
          new TableSchemaError({
            table: "",
            field: "",
            message: `schemas file: expected an object of table name → list of fields: ${shapeProblem(error)}`,
          }),
      ),
    )
    const tables: Array<TableSchema> = []
    for (const [table, entries] of Object.entries(file)) {
      if (entries.length === 0) {
        return yield* Either.left(
          new TableSchemaError({ table, field: "", message: `${table}: the table has no fields` }),
        )
      }
      const fields = yield* fieldsOf(table, "", entries)
      tables.push({
        name: table,
        columns: fields.map((field) => ({ name: field.name, type: formatSqlType(field.type) })),
      })
    }
    return tables
  })

/** `decodeBigQuerySchemas` of a file's text. */
export const parseBigQuerySchemas = (
  text: string,
): Either.Either<ReadonlyArray<TableSchema>, TableSchemaError> =>
  Either.try({
    try: (): unknown => JSON.parse(text),
    catch: (error) =>
      new TableSchemaError({
        table: "",
        field: "",
        message: `schemas file: not JSON: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      }),
  }).pipe(Either.flatMap(decodeBigQuerySchemas))
