/** A repository's path, as the operations under it start. */
export const inRepository = '/v2/manage/namespaces/{namespace}/repos/{repository}';
export const repositoryErrors = { 400: 'invalid name or parameter', 403: 'insufficient permission (SVCSTG.SWR.4030170)', 404: 'organization or repository not found' };
