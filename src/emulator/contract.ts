/**
 * Contract recording (`contract: 'record'`): every request and response checked against the OpenAPI
 * schemas, and what fails kept for the test to read (Emulator.contractViolations()).
 */
import { validateRequest, validateResponse, type OperationId } from '../api/index.js';

export interface ContractViolation {
  readonly operationId: string;
  readonly direction: 'request' | 'response';
  readonly status?: number;
  readonly errors: readonly { path: string; message: string }[];
}

export function checkRequestBody(violations: ContractViolation[], operationId: OperationId, body: unknown): void {
  const errors = validateRequest(operationId, body);
  if (errors.length > 0) violations.push({ operationId, direction: 'request', errors });
}

export function checkResponseBody(violations: ContractViolation[], operationId: OperationId, status: number, body: unknown): void {
  const errors = validateResponse(operationId, status, body);
  if (errors.length > 0) violations.push({ operationId, direction: 'response', status, errors });
}
