/**
 * The public face of syntax/: `.fw` text to AST (`parse`), the AST types, and `fwc fmt`.
 */
export type { AddressLit, AddressesDecl, Comment, DropletsDecl, EgressStmt, Endpoint, ExpectStmt, GroupDecl, Name, NumberLit, PolicyFile, PortSpec, ReplacesDecl, RuleStmt, ServiceDecl, ServiceItem, Statement, StringLit } from './ast.js';
export { expectedAfter } from './expectations.js';
export { format, nameText } from './format.js';
export { KEYWORDS, RESERVED, isReserved } from './keywords.js';
export { matchStatements, parse } from './parse.js';
export type { ParseOptions, StatementMatch } from './parse.js';
export { splitStatements } from './splitStatements.js';
