import { formatFieldName } from "../../domain/table-schema.js"
import type { OutputColumn } from "./check.js"

/*
 * Just enough of the protobuf wire format to read the output columns out of an
 * AnalyzeResponse and to append a SQL string to a request. The client of the package
 * decodes the whole resolved AST into objects, every default filled in: more than half the
 * time of an Analyze call, for a tree of which only the output columns are read. Field
 * numbers are those of the protos shipped in @fivetrandevelopers/zetasql 1.13.0
 * (local_service.proto, resolved_ast/resolved_ast.proto, public/type.proto).
 */

const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2
const FIXED32 = 5

interface Field {
  readonly number: number
  /** The value of a varint field. */
  readonly varint: number
  /** The bytes of a length-delimited field. */
  readonly bytes: Uint8Array
}

const empty = new Uint8Array(0)
const utf8 = new TextDecoder()

/** The fields of one message, in order; a malformed message throws (gRPC reports it as INTERNAL). */
const fields = (message: Uint8Array): ReadonlyArray<Field> => {
  const result: Array<Field> = []
  let position = 0
  const varint = (): number => {
    let value = 0
    let scale = 1
    for (;;) {
      const byte = message[position]
      if (byte === undefined) throw new Error("truncated protobuf varint")
      position += 1
      value += (byte & 0x7f) * scale
      if (byte < 0x80) return value
      scale *= 128
    }
  }
  while (position < message.length) {
    const key = varint()
    const number = Math.floor(key / 8)
    const wireType = key % 8
    if (wireType === VARINT) {
      result.push({ number, varint: varint(), bytes: empty })
    } else if (wireType === LENGTH_DELIMITED) {
      const length = varint()
      if (position + length > message.length) throw new Error("truncated protobuf field")
      result.push({ number, varint: 0, bytes: message.subarray(position, position + length) })
      position += length
    } else if (wireType === FIXED64 || wireType === FIXED32) {
      position += wireType === FIXED64 ? 8 : 4
    } else {
      throw new Error(`unsupported protobuf wire type ${wireType}`)
    }
  }
  return result
}

/** The last occurrence of a singular message field (protobuf merges repeats; the last wins for scalars). */
const message = (of: Uint8Array, number: number): Uint8Array | undefined =>
  fields(of).findLast((field) => field.number === number)?.bytes

const repeated = (of: Uint8Array, number: number): ReadonlyArray<Uint8Array> =>
  fields(of)
    .filter((field) => field.number === number)
    .map((field) => field.bytes)

const text = (of: Uint8Array, number: number): string => {
  const bytes = message(of, number)
  return bytes === undefined ? "" : utf8.decode(bytes)
}

const varintField = (of: Uint8Array, number: number): number =>
  fields(of).findLast((field) => field.number === number)?.varint ?? 0

/** External (BigQuery) names of ZetaSQL's type kinds (zetasql.TypeKind). */
const kindNames: Readonly<Record<number, string>> = {
  1: "INT32",
  2: "INT64",
  3: "UINT32",
  4: "UINT64",
  5: "BOOL",
  6: "FLOAT",
  7: "FLOAT64",
  8: "STRING",
  9: "BYTES",
  10: "DATE",
  19: "TIMESTAMP",
  20: "TIME",
  21: "DATETIME",
  22: "GEOGRAPHY",
  23: "NUMERIC",
  24: "BIGNUMERIC",
  26: "JSON",
  27: "INTERVAL",
}

/** A zetasql.TypeProto in GoogleSQL spelling. */
export const typeName = (type: Uint8Array | undefined): string => {
  if (type === undefined) return "UNKNOWN"
  const kind = varintField(type, 1)
  const element = (number: number) => typeName(message(message(type, number) ?? empty, 1))
  switch (kind) {
    case 16:
      return `ARRAY<${element(2)}>`
    case 29:
      return `RANGE<${element(8)}>`
    case 17:
      return `STRUCT<${repeated(message(type, 3) ?? empty, 1)
        .map((field) => {
          const name = text(field, 1)
          const fieldType = typeName(message(field, 2))
          return name === "" ? fieldType : `${formatFieldName(name)} ${fieldType}`
        })
        .join(", ")}>`
    case 18:
      return text(message(type, 4) ?? empty, 1) || "PROTO"
    case 15:
      return text(message(type, 5) ?? empty, 1) || "ENUM"
    default:
      return kindNames[kind] ?? `UNKNOWN(${kind})`
  }
}

/** ResolvedOutputColumnProto list: name = 2, column = 3 (ResolvedColumnProto, type = 4). */
const columnsOf = (list: ReadonlyArray<Uint8Array>): ReadonlyArray<OutputColumn> =>
  list.map((column) => ({
    name: text(column, 2),
    type: typeName(message(message(column, 3) ?? empty, 4)),
  }))

/** Follows a path of singular message fields. */
const at = (of: Uint8Array | undefined, ...path: ReadonlyArray<number>): Uint8Array | undefined =>
  path.reduce<Uint8Array | undefined>((bytes, number) => bytes && message(bytes, number), of)

/**
 * The output columns of an analysed query (AnyResolvedStatementProto 38), CREATE TABLE AS
 * SELECT (39 → 106 → 40) or CREATE VIEW (39 → 108 → 41 → parent 1); none for other statements.
 */
export const outputColumns = (response: Uint8Array): ReadonlyArray<OutputColumn> => {
  const statement = message(response, 1)
  if (statement === undefined) return []
  const query = at(statement, 38)
  if (query !== undefined) return columnsOf(repeated(query, 2))
  const tableAsSelect = at(statement, 39, 106, 40)
  if (tableAsSelect !== undefined) return columnsOf(repeated(tableAsSelect, 2))
  const view = at(statement, 39, 108, 41, 1)
  if (view !== undefined) return columnsOf(repeated(view, 3))
  return []
}

const encodeVarint = (value: number): Array<number> => {
  const bytes: Array<number> = []
  let rest = value
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80)
    rest = Math.floor(rest / 0x80)
  }
  bytes.push(rest)
  return bytes
}

/** A string field, to append to a serialized message: protobuf merges concatenated messages. */
export const stringField = (number: number, value: string): Buffer => {
  const bytes = Buffer.from(value, "utf8")
  return Buffer.concat([
    Buffer.from([...encodeVarint(number * 8 + LENGTH_DELIMITED), ...encodeVarint(bytes.length)]),
    bytes,
  ])
}
