/**
 * DigitalOcean's error responses: `{id, message, request_id}` with the status codes the API uses
 * (DO-API-FACTS.md 5.2). Handlers throw ApiFailure; the server turns it into the response.
 */

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    /** The tag-create 400 uses another shape (`error_with_root_causes`). */
    readonly rootCauses?: readonly string[],
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiFailure(400, 'bad_request', message);
export const notFound = (message = 'The resource you were accessing could not be found.') => new ApiFailure(404, 'not_found', message);
export const unprocessable = (message: string) => new ApiFailure(422, 'unprocessable_entity', message);
