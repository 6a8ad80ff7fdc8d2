using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using CallRecordingAdmin.Commands;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Binding
{
    /// <summary>Tab completion of service area names from the store the command will use.</summary>
    public sealed class ServiceAreaCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var store = (fakeBoundParameters?["Store"] as PSObject)?.BaseObject as RecordingStore ?? fakeBoundParameters?["Store"] as RecordingStore ?? SessionStore.Current;
            if (store == null)
            {
                return Enumerable.Empty<CompletionResult>();
            }
            var prefix = (wordToComplete ?? "").Trim('\'', '"');
            try
            {
                return store.ServiceAreas.Get(new[] { prefix + "*" }).Select(a =>
                {
                    var text = a.Name.IndexOfAny(new[] { ' ', '\'', '$', '(', ')', ';', ',', '&' }) >= 0 ? "'" + a.Name.Replace("'", "''") + "'" : a.Name;
                    return new CompletionResult(text, a.Name, CompletionResultType.ParameterValue, a.Name + " (" + a.Retention + ")");
                }).ToList();
            }
            catch (Engine.Policy.PolicyException)
            {
                return Enumerable.Empty<CompletionResult>();
            }
        }
    }
}
