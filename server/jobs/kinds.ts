// The kinds of background job, as stored in `jobs.kind`.
/** Subject: a record id. Embeds the record and gives it an idea. */
export const JOB_ASSIGN_IDEA = 'assign-idea';
