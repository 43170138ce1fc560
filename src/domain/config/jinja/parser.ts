import type { Expression, Node, Target } from "./ast.js"
import { syntaxError } from "./errors.js"
import type { Token } from "./lexer.js"

/**
 * A recursive-descent parser for Jinja's grammar, following Jinja's own parser (precedence
 * from loosest: `x if c else y`, `or`, `and`, `not`, comparisons and `in`, `+ -`, `~`,
 * `* / // %`, `**`, unary `- +`, then postfix `.attr [key] (call)` and `| filter`, `is test`).
 * Statements: `if`/`elif`/`else`, `for` (with `else` and an inline `if`), `set` (and the block
 * form). Other Jinja tags (macro, include, ...) are refused by name.
 */

const compareOperators = ["==", "!=", "<", "<=", ">", ">="]
const unsupportedTags = [
  "macro",
  "call",
  "filter",
  "block",
  "extends",
  "include",
  "import",
  "from",
  "with",
  "autoescape",
  "trans",
  "do",
  "break",
  "continue",
]

class Parser {
  private index = 0
  constructor(private readonly tokens: ReadonlyArray<Token>) {}

  private get current(): Token | undefined {
    return this.tokens[this.index]
  }
  private get line(): number {
    return this.current?.line ?? this.tokens.at(-1)?.line ?? 1
  }
  private describe(token: Token | undefined): string {
    if (token === undefined) return "end of template"
    switch (token.type) {
      case "variable_end":
        return "end of print statement"
      case "block_end":
        return "end of statement block"
      case "name":
      case "operator":
        return `'${token.value}'`
      case "string":
        return "string"
      case "integer":
      case "float":
        return "number"
      default:
        return token.type
    }
  }
  private fail(expected: string): never {
    throw syntaxError(`expected ${expected}, got ${this.describe(this.current)}`, this.line)
  }
  private isOperator(value: string, offset = 0): boolean {
    const token = this.tokens[this.index + offset]
    return token?.type === "operator" && token.value === value
  }
  private isName(value?: string, offset = 0): boolean {
    const token = this.tokens[this.index + offset]
    return token?.type === "name" && (value === undefined || token.value === value)
  }
  private skipOperator(value: string): boolean {
    if (!this.isOperator(value)) return false
    this.index++
    return true
  }
  private skipName(value: string): boolean {
    if (!this.isName(value)) return false
    this.index++
    return true
  }
  private expectOperator(value: string): void {
    if (!this.skipOperator(value)) this.fail(`'${value}'`)
  }
  private expectName(): string {
    const token = this.current
    if (token?.type !== "name") this.fail("a name")
    this.index++
    return token.value
  }
  private expectEnd(type: "variable_end" | "block_end"): void {
    if (this.current?.type !== type) this.fail(this.describe({ type, line: 0 }))
    this.index++
  }

  // Template structure

  /** Nodes until one of `endTags` opens a block, which is left unconsumed. */
  parseBody(endTags: ReadonlyArray<string>): ReadonlyArray<Node> {
    const nodes: Node[] = []
    while (this.current !== undefined) {
      const token = this.current
      if (token.type === "data") {
        nodes.push({ kind: "data", text: token.value })
        this.index++
      } else if (token.type === "variable_begin") {
        this.index++
        const line = token.line
        nodes.push({ kind: "output", expression: this.parseTuple(true), line })
        this.expectEnd("variable_end")
      } else if (token.type === "block_begin") {
        const tag = this.tokens[this.index + 1]
        if (tag?.type === "name" && endTags.includes(tag.value)) return nodes
        this.index++
        nodes.push(this.parseStatement())
      } else {
        this.fail("template data")
      }
    }
    if (endTags.length > 0) {
      throw syntaxError(
        `unexpected end of template: a block is still open, expecting ${endTags.map((tag) => `'${tag}'`).join(" or ")}`,
        this.line,
      )
    }
    return nodes
  }

  private parseStatement(): Node {
    const tag = this.current
    if (tag?.type !== "name") this.fail("a tag name")
    this.index++
    switch (tag.value) {
      case "if":
        return this.parseIf()
      case "for":
        return this.parseFor()
      case "set":
        return this.parseSet()
      default:
        throw syntaxError(
          unsupportedTags.includes(tag.value)
            ? `the '${tag.value}' tag is not supported in metric-hub templates`
            : `encountered unknown tag '${tag.value}'`,
          tag.line,
        )
    }
  }

  /** Consumes `{% name %}`: a closing or intermediate tag without arguments. */
  private closeTag(name: string): void {
    this.index++
    if (!this.skipName(name)) this.fail(`'${name}'`)
    this.expectEnd("block_end")
  }

  private parseIf(): Node {
    const branches: Array<{ test: Expression; body: ReadonlyArray<Node> }> = []
    let test = this.parseTuple(false)
    for (;;) {
      this.expectEnd("block_end")
      const body = this.parseBody(["elif", "else", "endif"])
      branches.push({ test, body })
      const next = this.tokens[this.index + 1]
      if (next?.type === "name" && next.value === "elif") {
        this.index += 2
        test = this.parseTuple(false)
        continue
      }
      if (next?.type === "name" && next.value === "else") {
        this.closeTag("else")
        const otherwise = this.parseBody(["endif"])
        this.closeTag("endif")
        return { kind: "if", branches, otherwise }
      }
      this.closeTag("endif")
      return { kind: "if", branches, otherwise: [] }
    }
  }

  private parseTarget(): Target {
    const first = this.expectName()
    if (!this.isOperator(",")) return { kind: "name", name: first }
    const names = [first]
    while (this.skipOperator(",")) {
      if (!this.isName()) break
      names.push(this.expectName())
    }
    return { kind: "tuple", names }
  }

  private parseFor(): Node {
    const target = this.parseTarget()
    if (!this.skipName("in")) this.fail("'in'")
    const iterable = this.parseTuple(false, ["if", "recursive"])
    const filter = this.skipName("if") ? this.parseExpression(true) : undefined
    if (this.isName("recursive")) {
      throw syntaxError("recursive loops are not supported in metric-hub templates", this.line)
    }
    this.expectEnd("block_end")
    const body = this.parseBody(["endfor", "else"])
    let otherwise: ReadonlyArray<Node> = []
    if (this.isName("else", 1)) {
      this.closeTag("else")
      otherwise = this.parseBody(["endfor"])
    }
    this.closeTag("endfor")
    return {
      kind: "for",
      target,
      iterable,
      ...(filter === undefined ? {} : { filter }),
      body,
      otherwise,
    }
  }

  private parseSet(): Node {
    const target = this.parseTarget()
    if (this.skipOperator("=")) {
      const value = this.parseTuple(true)
      this.expectEnd("block_end")
      return { kind: "set", target, value }
    }
    if (target.kind !== "name") this.fail("'='")
    this.expectEnd("block_end")
    const body = this.parseBody(["endset"])
    this.closeTag("endset")
    return { kind: "setBlock", name: target.name, body }
  }

  // Expressions

  /** Expressions separated by commas make a tuple; one without a comma is itself. */
  parseTuple(withCondition: boolean, endNames: ReadonlyArray<string> = []): Expression {
    const items: Expression[] = []
    let comma = false
    for (;;) {
      if (items.length > 0 && !this.skipOperator(",")) break
      if (items.length > 0) comma = true
      if (this.atTupleEnd(endNames)) break
      items.push(this.parseExpression(withCondition))
    }
    if (items.length === 1 && !comma) return items[0] as Expression
    if (items.length === 0) this.fail("an expression")
    return { kind: "list", items, tuple: true }
  }

  private atTupleEnd(endNames: ReadonlyArray<string>): boolean {
    const token = this.current
    if (token === undefined) return true
    if (token.type === "variable_end" || token.type === "block_end") return true
    if (token.type === "operator" && (token.value === ")" || token.value === "]")) return true
    return token.type === "name" && endNames.includes(token.value)
  }

  parseExpression(withCondition: boolean): Expression {
    return withCondition ? this.parseCondition() : this.parseOr()
  }

  private parseCondition(): Expression {
    let expression = this.parseOr()
    while (this.skipName("if")) {
      const test = this.parseOr()
      const otherwise = this.skipName("else") ? this.parseCondition() : undefined
      expression = {
        kind: "condition",
        test,
        consequent: expression,
        ...(otherwise === undefined ? {} : { otherwise }),
      }
    }
    return expression
  }

  private parseOr(): Expression {
    let left = this.parseAnd()
    while (this.skipName("or"))
      left = { kind: "binary", operator: "or", left, right: this.parseAnd() }
    return left
  }

  private parseAnd(): Expression {
    let left = this.parseNot()
    while (this.skipName("and"))
      left = { kind: "binary", operator: "and", left, right: this.parseNot() }
    return left
  }

  private parseNot(): Expression {
    if (this.skipName("not")) return { kind: "unary", operator: "not", operand: this.parseNot() }
    return this.parseCompare()
  }

  private parseCompare(): Expression {
    const first = this.parseMath1()
    const rest: Array<readonly [string, Expression]> = []
    for (;;) {
      const token = this.current
      if (token?.type === "operator" && compareOperators.includes(token.value)) {
        this.index++
        rest.push([token.value, this.parseMath1()])
      } else if (this.skipName("in")) {
        rest.push(["in", this.parseMath1()])
      } else if (this.isName("not") && this.isName("in", 1)) {
        this.index += 2
        rest.push(["not in", this.parseMath1()])
      } else {
        break
      }
    }
    return rest.length === 0 ? first : { kind: "compare", first, rest }
  }

  private parseBinary(operators: ReadonlyArray<string>, operand: () => Expression): Expression {
    let left = operand()
    for (;;) {
      const token = this.current
      if (token?.type !== "operator" || !operators.includes(token.value)) return left
      this.index++
      left = { kind: "binary", operator: token.value, left, right: operand() }
    }
  }

  private parseMath1 = (): Expression => this.parseBinary(["+", "-"], this.parseConcat)
  private parseConcat = (): Expression => this.parseBinary(["~"], this.parseMath2)
  private parseMath2 = (): Expression => this.parseBinary(["*", "/", "//", "%"], this.parsePow)
  private parsePow = (): Expression => this.parseBinary(["**"], () => this.parseUnary(true))

  private parseUnary(withFilter: boolean): Expression {
    if (this.skipOperator("-"))
      return { kind: "unary", operator: "-", operand: this.parseUnary(false) }
    if (this.skipOperator("+"))
      return { kind: "unary", operator: "+", operand: this.parseUnary(false) }
    const node = this.parsePostfix(this.parsePrimary())
    return withFilter ? this.parseFilters(node) : node
  }

  private parsePrimary(): Expression {
    const token = this.current
    if (token === undefined) this.fail("an expression")
    switch (token.type) {
      case "name": {
        this.index++
        if (token.value === "true" || token.value === "True")
          return { kind: "literal", value: true }
        if (token.value === "false" || token.value === "False")
          return { kind: "literal", value: false }
        if (token.value === "none" || token.value === "None")
          return { kind: "literal", value: null }
        return { kind: "name", name: token.value }
      }
      case "string": {
        // Adjacent string literals concatenate: `"""x"""` is "" "x" "".
        let value = ""
        while (this.current?.type === "string") {
          value += this.current.value
          this.index++
        }
        return { kind: "literal", value }
      }
      case "integer":
        this.index++
        return { kind: "literal", value: token.value }
      case "float":
        this.index++
        return { kind: "literal", value: token.value, float: true }
      case "operator":
        if (token.value === "(") {
          this.index++
          const inner = this.parseTuple(true)
          this.expectOperator(")")
          return inner
        }
        if (token.value === "[") return this.parseList()
        if (token.value === "{") return this.parseDict()
        break
      default:
        break
    }
    this.fail("an expression")
  }

  private parseList(): Expression {
    this.expectOperator("[")
    const items: Expression[] = []
    while (!this.isOperator("]")) {
      if (items.length > 0) {
        this.expectOperator(",")
        if (this.isOperator("]")) break
      }
      items.push(this.parseExpression(true))
    }
    this.expectOperator("]")
    return { kind: "list", items }
  }

  private parseDict(): Expression {
    this.expectOperator("{")
    const items: Array<readonly [Expression, Expression]> = []
    while (!this.isOperator("}")) {
      if (items.length > 0) {
        this.expectOperator(",")
        if (this.isOperator("}")) break
      }
      const key = this.parseExpression(true)
      this.expectOperator(":")
      items.push([key, this.parseExpression(true)])
    }
    this.expectOperator("}")
    return { kind: "dict", items }
  }

  private parsePostfix(node: Expression): Expression {
    let current = node
    for (;;) {
      if (this.skipOperator(".")) {
        const token = this.current
        if (token?.type === "name") {
          this.index++
          current = { kind: "getattr", target: current, attribute: token.value }
        } else if (token?.type === "integer") {
          this.index++
          current = {
            kind: "getitem",
            target: current,
            key: { kind: "literal", value: token.value },
          }
        } else {
          this.fail("a name after '.'")
        }
      } else if (this.isOperator("[")) {
        current = this.parseSubscript(current)
      } else if (this.isOperator("(")) {
        current = this.parseCall(current)
      } else {
        return current
      }
    }
  }

  private parseSubscript(target: Expression): Expression {
    this.expectOperator("[")
    const part = (): Expression | undefined =>
      this.isOperator(":") || this.isOperator("]") ? undefined : this.parseExpression(true)
    const start = part()
    if (!this.skipOperator(":")) {
      this.expectOperator("]")
      if (start === undefined) this.fail("an expression")
      return { kind: "getitem", target, key: start }
    }
    const stop = part()
    const step = this.skipOperator(":") ? part() : undefined
    this.expectOperator("]")
    return {
      kind: "slice",
      target,
      ...(start === undefined ? {} : { start }),
      ...(stop === undefined ? {} : { stop }),
      ...(step === undefined ? {} : { step }),
    }
  }

  private parseArguments(): {
    args: Expression[]
    kwargs: Array<readonly [string, Expression]>
  } {
    this.expectOperator("(")
    const args: Expression[] = []
    const kwargs: Array<readonly [string, Expression]> = []
    while (!this.isOperator(")")) {
      if (args.length + kwargs.length > 0) {
        this.expectOperator(",")
        if (this.isOperator(")")) break
      }
      if (this.isName() && this.isOperator("=", 1)) {
        const name = this.expectName()
        this.index++
        kwargs.push([name, this.parseExpression(true)])
      } else {
        if (kwargs.length > 0) {
          throw syntaxError("invalid syntax for function call expression", this.line)
        }
        args.push(this.parseExpression(true))
      }
    }
    this.expectOperator(")")
    return { args, kwargs }
  }

  private parseCall(callee: Expression): Expression {
    return { kind: "call", callee, ...this.parseArguments() }
  }

  private dottedName(): string {
    let name = this.expectName()
    while (this.skipOperator(".")) name += `.${this.expectName()}`
    return name
  }

  private parseFilters(node: Expression): Expression {
    let current = node
    for (;;) {
      if (this.skipOperator("|")) {
        const name = this.dottedName()
        const { args, kwargs } = this.isOperator("(")
          ? this.parseArguments()
          : { args: [], kwargs: [] }
        current = { kind: "filter", name, target: current, args, kwargs }
      } else if (this.skipName("is")) {
        const negated = this.skipName("not")
        const name = this.dottedName()
        let args: Expression[] = []
        if (this.isOperator("(")) {
          args = this.parseArguments().args
        } else if (this.startsTestArgument()) {
          args = [this.parsePostfix(this.parsePrimary())]
        }
        current = { kind: "test", name, target: current, args, negated }
      } else if (this.isOperator("(")) {
        current = this.parseCall(current)
      } else {
        return current
      }
    }
  }

  /** Jinja's rule for `x is divisibleby 3`: a test takes one bare argument that starts a primary. */
  private startsTestArgument(): boolean {
    const token = this.current
    if (token === undefined) return false
    if (token.type === "name") return !["else", "or", "and", "is"].includes(token.value)
    if (token.type === "string" || token.type === "integer" || token.type === "float") return true
    return token.type === "operator" && (token.value === "[" || token.value === "{")
  }
}

/** The syntax tree of a template, or a TemplateSyntaxError (thrown; see errors.ts). */
export const parseTokens = (tokens: ReadonlyArray<Token>): ReadonlyArray<Node> =>
  new Parser(tokens).parseBody([])
