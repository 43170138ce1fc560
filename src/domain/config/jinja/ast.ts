/** The syntax tree of a Jinja template: Jinja's own node kinds, those metric-hub can use. */

export type Expression =
  | {
      readonly kind: "literal"
      readonly value: string | number | boolean | null
      readonly float?: true
    }
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "list"; readonly items: ReadonlyArray<Expression>; readonly tuple?: true }
  | { readonly kind: "dict"; readonly items: ReadonlyArray<readonly [Expression, Expression]> }
  | { readonly kind: "getattr"; readonly target: Expression; readonly attribute: string }
  | { readonly kind: "getitem"; readonly target: Expression; readonly key: Expression }
  | {
      readonly kind: "slice"
      readonly target: Expression
      readonly start?: Expression
      readonly stop?: Expression
      readonly step?: Expression
    }
  | {
      readonly kind: "call"
      readonly callee: Expression
      readonly args: ReadonlyArray<Expression>
      readonly kwargs: ReadonlyArray<readonly [string, Expression]>
    }
  | {
      readonly kind: "filter"
      readonly name: string
      readonly target: Expression
      readonly args: ReadonlyArray<Expression>
      readonly kwargs: ReadonlyArray<readonly [string, Expression]>
    }
  | {
      readonly kind: "test"
      readonly name: string
      readonly target: Expression
      readonly args: ReadonlyArray<Expression>
      readonly negated: boolean
    }
  | { readonly kind: "unary"; readonly operator: "-" | "+" | "not"; readonly operand: Expression }
  | {
      readonly kind: "binary"
      readonly operator: string
      readonly left: Expression
      readonly right: Expression
    }
  | {
      readonly kind: "compare"
      readonly first: Expression
      readonly rest: ReadonlyArray<readonly [string, Expression]>
    }
  | {
      readonly kind: "condition"
      readonly test: Expression
      readonly consequent: Expression
      readonly otherwise?: Expression
    }

export type Target =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "tuple"; readonly names: ReadonlyArray<string> }

export type Node =
  | { readonly kind: "data"; readonly text: string }
  | { readonly kind: "output"; readonly expression: Expression; readonly line: number }
  | {
      readonly kind: "if"
      readonly branches: ReadonlyArray<{
        readonly test: Expression
        readonly body: ReadonlyArray<Node>
      }>
      readonly otherwise: ReadonlyArray<Node>
    }
  | {
      readonly kind: "for"
      readonly target: Target
      readonly iterable: Expression
      readonly filter?: Expression
      readonly body: ReadonlyArray<Node>
      readonly otherwise: ReadonlyArray<Node>
    }
  | { readonly kind: "set"; readonly target: Target; readonly value: Expression }
  | { readonly kind: "setBlock"; readonly name: string; readonly body: ReadonlyArray<Node> }
