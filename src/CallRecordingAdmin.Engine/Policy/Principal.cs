using System;

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
            return Text.Check(value, parameterName, Text.NameMax);
        }
    }
}
