using System;
using System.Text.RegularExpressions;

namespace CallRecordingAdmin.Engine.Policy
{
    /// <summary>PowerShell-style wildcards (* and ?) in names given to the cmdlets, matched case-insensitively; the database layer turns them into its own patterns.</summary>
    public static class Wildcard
    {
        public static bool HasWildcard(string value) => value != null && (value.IndexOf('*') >= 0 || value.IndexOf('?') >= 0);

        /// <summary>A test of whole names against <paramref name="pattern"/> (no wildcard: an exact, case-insensitive match).</summary>
        public static Func<string, bool> Matcher(string pattern)
        {
            var regex = new Regex("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
            return name => regex.IsMatch(name ?? "");
        }
    }
}
