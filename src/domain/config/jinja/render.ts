import { Either } from "effect"
import { didYouMean } from "../config-issue.js"
import type { Expression, Node, Target } from "./ast.js"
import { JinjaError, runtimeError } from "./errors.js"
import { filterNamed } from "./filters.js"
import { tokenize } from "./lexer.js"
import { binary, compare, negate } from "./operators.js"
import { parseTokens } from "./parser.js"
import { stringMethod } from "./string-methods.js"
import { testNamed } from "./tests.js"
import {
  Callable,
  defined,
  dictKey,
  isList,
  iterate,
  Namespace,
  numeric,
  PyDict,
  PyFloat,
  str,
  truthy,
  typeName,
  Undefined,
  type Value,
} from "./values.js"

/**
 * Renders a Jinja template with the variables given, as Jinja's `Environment(autoescape=False,
 * undefined=StrictUndefined)` would (metric-config-parser's environment). One difference, on
 * failure only: an error inside a `{{ ... }}` is recorded and rendering goes on, so that every
 * problem of a template is reported at once; any error makes the whole render fail.
 */
export interface JinjaProblem {
  readonly message: string
  readonly line?: number
}

type Scope = ReadonlyArray<Map<string, Value>>

const lookupName = (scope: Scope, name: string): Value => {
  for (let index = scope.length - 1; index >= 0; index--) {
    const frame = scope[index] as Map<string, Value>
    if (frame.has(name)) return frame.get(name) as Value
  }
  const known = scope.flatMap((frame) => [...frame.keys()])
  return new Undefined(`"${name}" is undefined${didYouMean(name, known)}`)
}

const callableNames = (scope: Scope): ReadonlyArray<string> =>
  scope.flatMap((frame) =>
    [...frame].filter(([, value]) => value instanceof Callable).map(([n]) => n),
  )

const getAttribute = (target: Value, attribute: string): Value => {
  const known = defined(target)
  if (known instanceof Namespace) {
    const found = known.lookup(attribute)
    return typeof found === "object" && found !== null && "undefinedBecause" in found
      ? new Undefined(found.undefinedBecause)
      : (found as Value)
  }
  if (known instanceof PyDict) {
    return known.entries.has(attribute)
      ? (known.entries.get(attribute) as Value)
      : new Undefined(`'dict object' has no attribute '${attribute}'`)
  }
  if (typeof known === "string") {
    return (
      stringMethod(known, attribute) ??
      new Undefined(`'str object' has no attribute '${attribute}'`)
    )
  }
  return new Undefined(`'${typeName(known)} object' has no attribute '${attribute}'`)
}

const getItem = (target: Value, key: Value): Value => {
  const known = defined(target)
  const index = defined(key)
  if ((isList(known) || typeof known === "string") && typeof index === "number") {
    const position = index < 0 ? known.length + index : index
    const item = isList(known) ? known[position] : known.charAt(position) || undefined
    return item ?? new Undefined(`${typeName(known)} index ${index} out of range`)
  }
  if (known instanceof PyDict) {
    const dictIndex = dictKey(index)
    return known.entries.has(dictIndex)
      ? (known.entries.get(dictIndex) as Value)
      : new Undefined(`'dict object' has no attribute ${JSON.stringify(str(index))}`)
  }
  if (typeof index === "string") return getAttribute(known, index)
  return new Undefined(`'${typeName(known)} object' has no item ${str(index)}`)
}

const slice = (target: Value, start: Value, stop: Value, step: Value): Value => {
  const known = defined(target)
  if (!isList(known) && typeof known !== "string")
    throw runtimeError(`'${typeName(known)}' object is not subscriptable`)
  const items = isList(known) ? known : [...known]
  const by = step === null ? 1 : numeric(defined(step) as number)
  if (by === 0) throw runtimeError("slice step cannot be zero")
  const bound = (value: Value, fallback: number) => {
    if (value === null) return fallback
    const n = numeric(defined(value) as number)
    return n < 0
      ? Math.max(n + items.length, by > 0 ? 0 : -1)
      : Math.min(n, by > 0 ? items.length : items.length - 1)
  }
  const from = bound(start, by > 0 ? 0 : items.length - 1)
  const to = bound(stop, by > 0 ? items.length : -1)
  const picked: Value[] = []
  for (let i = from; by > 0 ? i < to : i > to; i += by) picked.push(items[i] as Value)
  return isList(known) ? picked : picked.join("")
}

const loopVariable = (index: number, length: number): Namespace =>
  new Namespace("loop", (attribute) => {
    const values: Readonly<Record<string, Value>> = {
      index: index + 1,
      index0: index,
      revindex: length - index,
      revindex0: length - index - 1,
      first: index === 0,
      last: index === length - 1,
      length,
    }
    return values[attribute] ?? { undefinedBecause: `'loop' has no attribute '${attribute}'` }
  })

const bind = (frame: Map<string, Value>, target: Target, value: Value): void => {
  if (target.kind === "name") {
    frame.set(target.name, value)
    return
  }
  const items = iterate(value)
  if (items.length !== target.names.length) {
    throw runtimeError(`cannot unpack ${items.length} values into ${target.names.length} names`)
  }
  for (const [index, name] of target.names.entries()) frame.set(name, items[index] as Value)
}

class Evaluator {
  readonly problems: JinjaProblem[] = []

  evaluate(expression: Expression, scope: Scope): Value {
    switch (expression.kind) {
      case "literal":
        return expression.float === true
          ? new PyFloat(expression.value as number)
          : expression.value
      case "name":
        return lookupName(scope, expression.name)
      case "list":
        return expression.items.map((item) => this.evaluate(item, scope))
      case "dict":
        return new PyDict(
          new Map(
            expression.items.map(([key, value]) => [
              dictKey(this.evaluate(key, scope)),
              this.evaluate(value, scope),
            ]),
          ),
        )
      case "getattr":
        return getAttribute(this.evaluate(expression.target, scope), expression.attribute)
      case "getitem":
        return getItem(
          this.evaluate(expression.target, scope),
          this.evaluate(expression.key, scope),
        )
      case "slice": {
        const part = (e: Expression | undefined) =>
          e === undefined ? null : this.evaluate(e, scope)
        return slice(
          this.evaluate(expression.target, scope),
          part(expression.start),
          part(expression.stop),
          part(expression.step),
        )
      }
      case "call":
        return this.call(expression, scope)
      case "filter": {
        const filter = filterNamed(expression.name)
        if (typeof filter === "string") throw runtimeError(filter)
        return filter(
          this.evaluate(expression.target, scope),
          expression.args.map((arg) => this.evaluate(arg, scope)),
          new Map(expression.kwargs.map(([name, arg]) => [name, this.evaluate(arg, scope)])),
        )
      }
      case "test": {
        const test = testNamed(expression.name)
        if (typeof test === "string") throw runtimeError(test)
        const result = test(
          this.evaluate(expression.target, scope),
          expression.args.map((arg) => this.evaluate(arg, scope)),
        )
        return expression.negated ? !result : result
      }
      case "unary": {
        const operand = this.evaluate(expression.operand, scope)
        return expression.operator === "not"
          ? !truthy(operand)
          : negate(expression.operator, operand)
      }
      case "binary": {
        const left = this.evaluate(expression.left, scope)
        if (expression.operator === "and")
          return truthy(left) ? this.evaluate(expression.right, scope) : left
        if (expression.operator === "or")
          return truthy(left) ? left : this.evaluate(expression.right, scope)
        return binary(expression.operator, left, this.evaluate(expression.right, scope))
      }
      case "compare": {
        let left = this.evaluate(expression.first, scope)
        for (const [operator, operand] of expression.rest) {
          const right = this.evaluate(operand, scope)
          if (!compare(operator, left, right)) return false
          left = right
        }
        return true
      }
      case "condition":
        if (truthy(this.evaluate(expression.test, scope)))
          return this.evaluate(expression.consequent, scope)
        return expression.otherwise === undefined
          ? new Undefined("the condition of an inline if was false and it has no else")
          : this.evaluate(expression.otherwise, scope)
    }
  }

  private call(expression: Extract<Expression, { kind: "call" }>, scope: Scope): Value {
    const callee = this.evaluate(expression.callee, scope)
    if (callee instanceof Undefined && expression.callee.kind === "name") {
      const name = expression.callee.name
      throw new JinjaError(
        "undefined",
        `unknown function "${name}"${didYouMean(name, callableNames(scope))}`,
      )
    }
    const known = defined(callee)
    if (!(known instanceof Callable))
      throw runtimeError(`'${typeName(known)}' object is not callable`)
    return known.call(
      expression.args.map((arg) => this.evaluate(arg, scope)),
      new Map(expression.kwargs.map(([name, arg]) => [name, this.evaluate(arg, scope)])),
    )
  }

  /** Runs `body`; a failing statement is recorded and the rest of the template still renders. */
  renderNodes(nodes: ReadonlyArray<Node>, scope: Scope): string {
    let output = ""
    for (const node of nodes) {
      try {
        output += this.renderNode(node, scope)
      } catch (error) {
        if (!(error instanceof JinjaError)) throw error
        this.problems.push({
          message: error.message,
          ...(node.kind === "output" ? { line: node.line } : {}),
        })
      }
    }
    return output
  }

  private renderNode(node: Node, scope: Scope): string {
    switch (node.kind) {
      case "data":
        return node.text
      case "output":
        return str(this.evaluate(node.expression, scope))
      case "if": {
        for (const branch of node.branches) {
          if (truthy(this.evaluate(branch.test, scope))) return this.renderNodes(branch.body, scope)
        }
        return this.renderNodes(node.otherwise, scope)
      }
      case "for": {
        const items = iterate(this.evaluate(node.iterable, scope)).filter((item) => {
          if (node.filter === undefined) return true
          const frame = new Map<string, Value>()
          bind(frame, node.target, item)
          return truthy(this.evaluate(node.filter, [...scope, frame]))
        })
        if (items.length === 0) return this.renderNodes(node.otherwise, scope)
        return items
          .map((item, index) => {
            const frame = new Map<string, Value>([["loop", loopVariable(index, items.length)]])
            bind(frame, node.target, item)
            return this.renderNodes(node.body, [...scope, frame])
          })
          .join("")
      }
      case "set":
        bind(scope.at(-1) as Map<string, Value>, node.target, this.evaluate(node.value, scope))
        return ""
      case "setBlock":
        ;(scope.at(-1) as Map<string, Value>).set(node.name, this.renderNodes(node.body, scope))
        return ""
    }
  }
}

/** Filter and test names are checked before rendering, as Jinja checks them when compiling. */
const unknownNames = (nodes: ReadonlyArray<Node>): ReadonlyArray<string> => {
  const problems: string[] = []
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item)
      return
    }
    if (typeof value !== "object" || value === null) return
    const record = value as Readonly<Record<string, unknown>>
    if (record.kind === "filter" && typeof record.name === "string") {
      const filter = filterNamed(record.name)
      if (typeof filter === "string") problems.push(filter)
    }
    if (record.kind === "test" && typeof record.name === "string") {
      const test = testNamed(record.name)
      if (typeof test === "string") problems.push(test)
    }
    for (const child of Object.values(record)) visit(child)
  }
  visit(nodes)
  return problems
}

export const renderJinja = (
  template: string,
  variables: ReadonlyMap<string, Value>,
): Either.Either<string, ReadonlyArray<JinjaProblem>> => {
  let nodes: ReadonlyArray<Node>
  try {
    nodes = parseTokens(tokenize(template))
  } catch (error) {
    if (!(error instanceof JinjaError)) throw error
    return Either.left([
      {
        message: `template syntax error: ${error.message}`,
        ...(error.line === undefined ? {} : { line: error.line }),
      },
    ])
  }
  const unknown = unknownNames(nodes)
  if (unknown.length > 0) return Either.left(unknown.map((message) => ({ message })))
  const evaluator = new Evaluator()
  const output = evaluator.renderNodes(nodes, [new Map(variables), new Map()])
  return evaluator.problems.length > 0 ? Either.left(evaluator.problems) : Either.right(output)
}
