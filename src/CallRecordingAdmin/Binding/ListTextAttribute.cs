using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordingRequests;

namespace CallRecordingAdmin.Binding
{
    /// <summary>
    /// Splits one text value into a list, so that a CSV cell such as "QualityMonitoring, Training" binds to
    /// an array parameter the same as -Purpose QualityMonitoring, Training does.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ListTextAttribute : ArgumentTransformationAttribute
    {
        public ListTextAttribute(string separators = ",;+|") { Separators = separators.ToCharArray(); }

        public char[] Separators { get; }

        /// <summary>
        /// The element type (an enum) each part must convert to. Without it, a CSV cell with an unknown name
        /// (Right = Everything) piped by property name was silently left unbound, and the grant took the level's
        /// rights (fault campaign case c146); with it the row is refused, naming the values allowed.
        /// </summary>
        public Type ElementType { get; set; }

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (value is string text)
            {
                var parts = text.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
                if (ElementType == null) return parts;
                var typed = Array.CreateInstance(ElementType, parts.Length);
                for (var i = 0; i < parts.Length; i++)
                {
                    try
                    {
                        typed.SetValue(LanguagePrimitives.ConvertTo(parts[i], ElementType, System.Globalization.CultureInfo.InvariantCulture), i);
                    }
                    catch (PSInvalidCastException e)
                    {
                        throw new ArgumentTransformationMetadataException(
                            "'" + (parts[i].Length > 64 ? parts[i].Substring(0, 64) + "…" : parts[i]) + "' is not one of " + string.Join(", ", Enum.GetNames(ElementType)) + ".", e);
                    }
                }
                return typed;
            }
            return inputData;
        }
    }

    /// <summary>
    /// Reads clause 2.2's "levels of access" from a hashtable (@{ Supervisor = 'Play','Download'; Advisor = 'Play' }),
    /// from text ('Supervisor=Play+Download; Advisor=Play', as a CSV cell carries it), or from AccessLevel objects.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class AccessLevelTextAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            try
            {
                return Convert(inputData).ToArray();
            }
            catch (PolicyException e)
            {
                throw new ArgumentTransformationMetadataException(e.Message, e);
            }
        }

        private static IEnumerable<AccessLevel> Convert(object input)
        {
            var value = input is PSObject pso ? pso.BaseObject : input;
            switch (value)
            {
                case null:
                    return Enumerable.Empty<AccessLevel>();
                case AccessLevel level:
                    return new[] { level };
                case string text:
                    return AccessLevel.Parse(text);
                case IDictionary map:
                    var list = new List<AccessLevel>();
                    foreach (DictionaryEntry entry in map)
                    {
                        list.Add(AccessLevel.Create(entry.Key?.ToString(), Rights(entry.Value)));
                    }
                    return list;
                case IEnumerable many:
                    return many.Cast<object>().SelectMany(Convert).ToList();
                default:
                    return AccessLevel.Parse(value.ToString());
            }
        }

        private static IEnumerable<string> Rights(object value)
        {
            var v = value is PSObject pso ? pso.BaseObject : value;
            if (v is string s) return s.Split(new[] { '+', ',', '|', ' ' }, StringSplitOptions.RemoveEmptyEntries);
            if (v is IEnumerable many) return many.Cast<object>().Select(o => o?.ToString() ?? "");
            return new[] { v?.ToString() ?? "" };
        }
    }
}
