using System;
using System.Globalization;
using System.Text;

namespace CallRecordingAdmin.Engine.Policy
{
    /// <summary>Who acts: an identity string such as DOMAIN\user or user@host.</summary>
    public static class Principal
    {
        /// <summary>The operating-system user: DOMAIN\user on Windows, user@host elsewhere.</summary>
        public static string FromOperatingSystem()
        {
            if (Environment.OSVersion.Platform == PlatformID.Win32NT)
            {
                return Environment.UserDomainName + "\\" + Environment.UserName;
            }
            return Environment.UserName + "@" + Environment.MachineName;
        }

        /// <summary>
        /// The authenticated operating-system account running this process, recorded on every audit event beside the
        /// acting principal: DOMAIN\user on Windows, user@host elsewhere (the same form as the default principal, so the
        /// two differ only when -Identity names someone else).
        /// </summary>
        public static string OperatingSystemAccount() => FromOperatingSystem();

        /// <summary>
        /// The one canonical form of a principal, used for storage and every comparison (clause 3.1, issue 9 §5).
        /// The value is trimmed and Unicode NFKC-normalised (so fullwidth <c>ＵＮＩ＼user</c> becomes <c>UNI\user</c>);
        /// control and bidirectional characters are refused with <c>TextInvalid</c>; format (Cf) and other invisible
        /// characters (zero-width space and joiners, Hangul fillers, the blank Braille pattern), any white space other
        /// than U+0020, combining marks left after NFKC, unassigned, private-use and surrogate code points, and a
        /// principal that mixes letters of the Latin, Cyrillic and Greek scripts (the lookalikes of <c>UNI\uc-admіn</c>
        /// with a Cyrillic і) are refused with <c>PrincipalInvalid</c>. Case is kept as given; comparisons ignore it.
        /// </summary>
        public static string Normalise(string principal, string parameterName = "Principal")
        {
            var value = principal?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                throw new PolicyException("PrincipalRequired", FailureKind.InvalidArgument,
                    parameterName + " must name a person or account (DOMAIN\\user or user@domain).", principal);
            }
            if (value.Length > 256)
            {
                throw new PolicyException("PrincipalInvalid", FailureKind.InvalidArgument,
                    parameterName + " is longer than 256 characters.", principal);
            }
            value = Text.Check(value, parameterName, Text.NameMax);
            for (var i = 0; i < value.Length; i++)
            {
                if (char.IsSurrogate(value, i) && !(char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])))
                {
                    throw Invalid(parameterName, "an unpaired surrogate", value, i);
                }
                if (char.IsHighSurrogate(value[i])) i++;
            }
            string canonical;
            try
            {
                canonical = value.Normalize(NormalizationForm.FormKC).Trim();
            }
            catch (ArgumentException)
            {
                throw new PolicyException("PrincipalInvalid", FailureKind.InvalidArgument, parameterName + " is not valid Unicode text.", Short(value));
            }
            if (canonical.Length == 0 || canonical.Length > 256)
            {
                throw new PolicyException("PrincipalInvalid", FailureKind.InvalidArgument,
                    parameterName + " is empty or longer than 256 characters once normalised (Unicode NFKC).", Short(value));
            }
            canonical = Text.Check(canonical, parameterName, Text.NameMax);
            var scripts = Script.None;
            for (var i = 0; i < canonical.Length; i++)
            {
                var problem = Invisible(canonical, i);
                if (problem != null) throw Invalid(parameterName, problem, canonical, i);
                scripts |= ScriptOf(canonical[i]);
                if (char.IsHighSurrogate(canonical[i])) i++;
            }
            if (Mixed(scripts))
            {
                throw new PolicyException("PrincipalInvalid", FailureKind.InvalidArgument,
                    parameterName + " '" + Short(canonical) + "' mixes letters of the " + Describe(scripts) +
                    " scripts, which can make one account look like another; a principal is written in one script.", Short(canonical));
            }
            RequireAccountShape(canonical, parameterName);
            return canonical;
        }

        /// <summary>
        /// A principal names an account in one of three shapes: <c>DOMAIN\user</c>, <c>user@domain</c> (a UPN, or user@host for an
        /// operating-system account outside Windows) or a plain account name. The domain is letters, digits, '.', '-' and '_'; the user
        /// part is letters, digits, spaces and <c>. _ - ' $ + ! # % &amp; ~</c>, begins with a letter, a digit or '_' and does not end in a space or '.'.
        /// So a formula (<c>=HYPERLINK("x")</c>), a path, quotes, brackets or a second separator are <c>PrincipalInvalid</c>.
        /// </summary>
        private static void RequireAccountShape(string p, string parameterName)
        {
            var slash = p.IndexOf('\\');
            var at = p.IndexOf('@');
            string user, domain = null;
            if (slash >= 0 && at >= 0) throw Shape(parameterName, p, "has both '\\' and '@'");
            if (slash >= 0)
            {
                if (p.IndexOf('\\', slash + 1) >= 0) throw Shape(parameterName, p, "has more than one '\\'");
                domain = p.Substring(0, slash);
                user = p.Substring(slash + 1);
            }
            else if (at >= 0)
            {
                if (p.IndexOf('@', at + 1) >= 0) throw Shape(parameterName, p, "has more than one '@'");
                user = p.Substring(0, at);
                domain = p.Substring(at + 1);
            }
            else
            {
                user = p;
            }
            if (domain != null)
            {
                if (domain.Length == 0) throw Shape(parameterName, p, "has an empty domain");
                if (!char.IsLetterOrDigit(domain[0])) throw Shape(parameterName, p, "has a domain that does not begin with a letter or digit");
                foreach (var c in domain)
                {
                    if (!(char.IsLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) throw Shape(parameterName, p, "has '" + c + "' in its domain");
                }
            }
            if (user.Length == 0) throw Shape(parameterName, p, "has an empty user name");
            if (!(char.IsLetterOrDigit(user[0]) || user[0] == '_')) throw Shape(parameterName, p, "has a user name that begins with '" + user[0] + "'");
            if (user[user.Length - 1] == ' ' || user[user.Length - 1] == '.') throw Shape(parameterName, p, "has a user name that ends in a space or '.'");
            foreach (var c in user)
            {
                if (!(char.IsLetterOrDigit(c) || " ._-'$+!#%&~".IndexOf(c) >= 0)) throw Shape(parameterName, p, "has '" + c + "' in its user name");
            }
        }

        private static PolicyException Shape(string parameterName, string value, string problem) =>
            new PolicyException("PrincipalInvalid", FailureKind.InvalidArgument,
                parameterName + " '" + Short(value) + "' " + problem + "; a principal is DOMAIN\\user, user@domain or a plain account name.", Short(value));

        /// <summary>
        /// The user part of a principal: <c>user</c> in <c>DOMAIN\user</c> and in <c>user@domain</c> (and in <c>user@host</c>,
        /// the operating-system account form outside Windows); the whole value when it has neither. The domain spellings
        /// (NetBIOS name, DNS name, host name) are not mapped to each other, so separation of duties treats two principals
        /// with the same user part as possibly the same person.
        /// </summary>
        public static string UserPart(string principal)
        {
            var p = principal?.Trim();
            if (string.IsNullOrEmpty(p)) return p;
            var slash = p.LastIndexOf('\\');
            if (slash >= 0) return p.Substring(slash + 1);
            var at = p.LastIndexOf('@');
            if (at > 0) return p.Substring(0, at);
            return p;
        }

        /// <summary>The other spelling of the same account: <c>user@DOMAIN</c> for <c>DOMAIN\user</c> and back; null when there is none.</summary>
        public static string OtherSpelling(string principal)
        {
            var p = principal?.Trim();
            if (string.IsNullOrEmpty(p)) return null;
            var slash = p.LastIndexOf('\\');
            if (slash > 0 && slash < p.Length - 1) return p.Substring(slash + 1) + "@" + p.Substring(0, slash);
            var at = p.LastIndexOf('@');
            if (at > 0 && at < p.Length - 1 && p.IndexOf('\\') < 0) return p.Substring(at + 1) + "\\" + p.Substring(0, at);
            return null;
        }

        private static string Short(string value) => value.Length <= 80 ? value : value.Substring(0, 80) + "…";

        private static PolicyException Invalid(string parameterName, string problem, string value, int i) =>
            new PolicyException("PrincipalInvalid", FailureKind.InvalidArgument,
                parameterName + " contains " + problem + " (U+" + char.ConvertToUtf32(value, i).ToString("X4", CultureInfo.InvariantCulture) + ") at position " + (i + 1) +
                "; a principal holds no invisible characters, so that one account cannot pass for another.", Short(value));

        private static string Invisible(string s, int i)
        {
            var ch = s[i];
            if (ch == '\u115F' || ch == '\u1160' || ch == '\u3164' || ch == '\uFFA0' || ch == '\u2800' || ch == '\u034F')
            {
                return "an invisible character";
            }
            switch (CharUnicodeInfo.GetUnicodeCategory(s, i))
            {
                case UnicodeCategory.Format: return "an invisible format character";
                case UnicodeCategory.Control: return "a control character";
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator: return "a line separator";
                case UnicodeCategory.SpaceSeparator: return ch == ' ' ? null : "a white-space character other than a plain space";
                case UnicodeCategory.NonSpacingMark:
                case UnicodeCategory.EnclosingMark: return "a combining mark";
                case UnicodeCategory.PrivateUse: return "a private-use character";
                case UnicodeCategory.Surrogate: return "an unpaired surrogate";
                case UnicodeCategory.OtherNotAssigned: return "an unassigned code point";
                default: return null;
            }
        }

        [Flags]
        private enum Script { None = 0, Latin = 1, Cyrillic = 2, Greek = 4 }

        private static Script ScriptOf(char c)
        {
            if (!char.IsLetter(c)) return Script.None;
            if (c < 0x0250 || (c >= 0x1E00 && c <= 0x1EFF) || (c >= 0x2C60 && c <= 0x2C7F) || (c >= 0xA720 && c <= 0xA7FF) || (c >= 0xAB30 && c <= 0xAB6F) || (c >= 0xFF21 && c <= 0xFF5A))
            {
                return c < 0x0080 || c >= 0x00C0 || c == 0x00AA || c == 0x00BA ? Script.Latin : Script.None;
            }
            if ((c >= 0x0400 && c <= 0x052F) || (c >= 0x1C80 && c <= 0x1C8F) || (c >= 0x2DE0 && c <= 0x2DFF) || (c >= 0xA640 && c <= 0xA69F)) return Script.Cyrillic;
            if ((c >= 0x0370 && c <= 0x03FF) || (c >= 0x1F00 && c <= 0x1FFF)) return Script.Greek;
            return Script.None;
        }

        private static bool Mixed(Script s) => s != Script.None && (s & (s - 1)) != 0;

        private static string Describe(Script s)
        {
            var parts = new System.Collections.Generic.List<string>();
            if ((s & Script.Latin) != 0) parts.Add("Latin");
            if ((s & Script.Cyrillic) != 0) parts.Add("Cyrillic");
            if ((s & Script.Greek) != 0) parts.Add("Greek");
            return string.Join(" and ", parts);
        }
    }
}
