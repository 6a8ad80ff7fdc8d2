using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.RecordedExtensions
{
    /// <summary>
    /// Clause 2.3 for extensions: staff on a constantly recorded extension must have one that is not recorded,
    /// and recorded extensions should be labelled. Adding or changing an extension refuses on the first rule;
    /// the compliance report applies both to what the store holds.
    /// </summary>
    public static class ExtensionRules
    {
        /// <summary>Why the extension's non-recorded alternative does not serve (null when it does, or none is needed).</summary>
        public static string AlternativeProblem(string number, ExtensionMode mode, string alternative, Func<string, bool> isRecorded)
        {
            if (mode == ExtensionMode.Constant && string.IsNullOrWhiteSpace(alternative))
            {
                return "staff on a constantly recorded extension must have access to an extension that is not recorded, for confidential calls. Name it with -NonRecordedAlternative.";
            }
            if (!string.IsNullOrWhiteSpace(alternative) && (alternative == number || isRecorded(alternative)))
            {
                return "the alternative " + alternative + " for extension " + number + " is itself recorded; name an extension that is not recorded.";
            }
            return null;
        }

        /// <summary>Where possible recorded extensions are marked or labelled as recorded (2.3).</summary>
        public static bool NeedsLabel(bool labelled) => !labelled;
    }
}
