using System;
using System.Management.Automation;

namespace CallRecordingAdmin.Binding
{
    /// <summary>
    /// Lets a switch take the text a CSV gives it ("True", "false", "yes", "0", ""), so that
    /// Import-Csv file | Add-RecordedExtension binds -Labelled as the file means it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class BooleanTextAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (!(value is string text))
            {
                return inputData;
            }
            switch (text.Trim().ToLowerInvariant())
            {
                case "true": case "yes": case "y": case "1": case "$true": return new SwitchParameter(true);
                case "false": case "no": case "n": case "0": case "": case "$false": return new SwitchParameter(false);
                default: throw new ArgumentTransformationMetadataException("'" + text + "' is not a yes/no value; use True or False.");
            }
        }
    }
}
