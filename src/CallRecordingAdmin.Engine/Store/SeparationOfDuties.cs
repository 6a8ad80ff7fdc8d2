using System;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// Separation of duties (clauses 2.2, 2.5, 3.1, 3.2): the person who asked is not the person who decides. A person is
    /// known by the principal they act as AND by the operating-system account that ran the change, so one account
    /// cannot request under one name and approve under another. A store created with -SharedOsAccount (demonstration
    /// and test stores) compares principals only; events written before migration 5 carry no account and compare by principal.
    /// </summary>
    public static class SeparationOfDuties
    {
        /// <summary>The operating-system account of the latest <paramref name="action"/> event on <paramref name="target"/>; null if none is recorded.</summary>
        internal static string OsAccountOf(ChangeContext ctx, string action, string target) =>
            ctx.Db.Audit.OsAccountOf(action, target);

        /// <summary>
        /// True when the acting person is, or may be, the one who did the first step: the same principal, the same
        /// operating-system account, or a principal that names the other's account (either way round).
        /// </summary>
        public static bool SamePerson(string principal, string osAccount, string otherPrincipal, string otherOsAccount, bool sharedOsAccount)
        {
            if (Same(principal, otherPrincipal)) return true;
            if (sharedOsAccount) return false;
            return Same(osAccount, otherOsAccount) || Same(principal, otherOsAccount) || Same(osAccount, otherPrincipal);
        }

        /// <summary>Whether the change's actor is the person who did <paramref name="firstAction"/> on <paramref name="target"/> as <paramref name="firstPrincipal"/>.</summary>
        internal static bool IsSamePerson(ChangeContext ctx, string firstPrincipal, string firstAction, string target) =>
            SamePerson(ctx.Principal, ctx.OsAccount, firstPrincipal, OsAccountOf(ctx, firstAction, target), ctx.Store.SharedOsAccount);

        /// <summary>
        /// Refuses the change (<c>SeparationOfDuties</c>, PermissionDenied) when its actor is the person who did
        /// <paramref name="firstAction"/> on <paramref name="target"/>: requester ≠ decider for recording requests (2.2) and
        /// investigations (3.2). The message is who acts followed by <paramref name="why"/>.
        /// </summary>
        internal static void RequireOtherPerson(ChangeContext ctx, string firstPrincipal, string firstAction, string target, string why, string clause, object errorTarget = null)
        {
            if (IsSamePerson(ctx, firstPrincipal, firstAction, target))
            {
                throw new PolicyException("SeparationOfDuties", FailureKind.PermissionDenied, Who(ctx, firstPrincipal) + why, errorTarget ?? target, clause);
            }
        }

        /// <summary>Words for a refusal: who acts, and under which account when that is what matched.</summary>
        internal static string Who(ChangeContext ctx, string firstPrincipal) =>
            Same(ctx.Principal, firstPrincipal)
                ? "'" + ctx.Principal + "'"
                : "'" + ctx.Principal + "' (operating-system account '" + ctx.OsAccount + "', the same person as '" + firstPrincipal + "')";

        /// <summary>
        /// Clause 3.1 and issue 9 §5: whether <paramref name="target"/>, to be nominated or given a role by the change's
        /// actor, is (or may be) the actor: the actor's principal, the actor's operating-system account, the same user
        /// under another domain spelling (<c>UNI\jo</c>, <c>jo@UNI</c>, <c>jo@host</c>), or a principal that the actor's
        /// operating-system account has acted as (looked up in the audit log through its principal index), which stops a
        /// sock-puppet Administrator created under the same account from nominating its creator. A -SharedOsAccount store
        /// compares principals only.
        /// </summary>
        internal static bool IsActor(ChangeContext ctx, string target)
        {
            if (SamePerson(ctx.Principal, ctx.OsAccount, target, null, ctx.Store.SharedOsAccount)) return true;
            if (ctx.Store.SharedOsAccount || string.IsNullOrWhiteSpace(ctx.OsAccount)) return false;
            var other = Principal.OtherSpelling(target) ?? target;
            return ctx.Db.Audit.HasActedAs(ctx.OsAccount.Trim(), target, other);
        }

        /// <summary>
        /// Two names of one account: equal ignoring case, or the same user part (<see cref="Principal.UserPart"/>) under
        /// different domain spellings. Domain names are not mapped to each other, so the same user name in two domains
        /// counts as possibly one person: a refusal then asks another Administrator to act, which is safe.
        /// </summary>
        private static bool Same(string a, string b)
        {
            if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b)) return false;
            a = a.Trim();
            b = b.Trim();
            return string.Equals(a, b, StringComparison.OrdinalIgnoreCase) ||
                   string.Equals(Principal.UserPart(a), Principal.UserPart(b), StringComparison.OrdinalIgnoreCase);
        }
    }
}
