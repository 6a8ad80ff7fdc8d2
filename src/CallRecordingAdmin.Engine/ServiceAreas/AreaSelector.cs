using System;

namespace CallRecordingAdmin.Engine.ServiceAreas
{
    /// <summary>
    /// What a -ServiceArea value selects, the same way in every cmdlet: an exact name (compared without regard to
    /// ASCII case) or an area id ("area-…"), or a * ? wildcard pattern over names. <see cref="Matches"/> is the rule;
    /// the database layer writes its filter from it (the service-area repository's Filter) and
    /// <see cref="IServiceAreaRepository.Resolve"/> turns a selector into area ids. A test runs both on the same areas.
    /// </summary>
    public sealed class AreaSelector
    {
        private AreaSelector(string text, bool isPattern)
        {
            Text = text;
            IsPattern = isPattern;
        }

        /// <summary>The value as given, trimmed.</summary>
        public string Text { get; }

        /// <summary>True when <see cref="Text"/> holds * or ?: it is matched against names only.</summary>
        public bool IsPattern { get; }

        /// <summary>The selector of a -ServiceArea value; null for null or "" (no filter). A value of only spaces selects nothing.</summary>
        public static AreaSelector Parse(string value)
        {
            if (string.IsNullOrEmpty(value)) return null;
            var v = value.Trim();
            return new AreaSelector(v, v.IndexOf('*') >= 0 || v.IndexOf('?') >= 0);
        }

        /// <summary>Whether the area with <paramref name="id"/> and <paramref name="name"/> is selected.</summary>
        public bool Matches(string id, string name)
        {
            if (IsPattern) return name != null && Wildcard(Text, 0, name, 0);
            return AsciiEquals(Text, name) || string.Equals(Text, id, StringComparison.Ordinal);
        }

        public override string ToString() => Text;

        // * any run of characters, ? one character; letters compared without regard to ASCII case (as SQL LIKE and NOCASE do).
        private static bool Wildcard(string p, int i, string s, int j)
        {
            while (i < p.Length)
            {
                if (p[i] == '*')
                {
                    while (i < p.Length && p[i] == '*') i++;
                    if (i == p.Length) return true;
                    for (var k = j; k <= s.Length; k++)
                    {
                        if (Wildcard(p, i, s, k)) return true;
                    }
                    return false;
                }
                if (j >= s.Length) return false;
                if (p[i] != '?' && Fold(p[i]) != Fold(s[j])) return false;
                i++;
                j++;
            }
            return j == s.Length;
        }

        private static bool AsciiEquals(string a, string b)
        {
            if (a == null || b == null || a.Length != b.Length) return false;
            for (var i = 0; i < a.Length; i++)
            {
                if (Fold(a[i]) != Fold(b[i])) return false;
            }
            return true;
        }

        private static char Fold(char c) => c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
}
