// The verdict invariants over random evidence sets, counted for the findings benchmark.
export { countViolations as runInvariants } from '../../test/helpers/verdict-invariants.ts';
