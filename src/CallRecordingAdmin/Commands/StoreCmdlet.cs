using System;
using System.Collections.Concurrent;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Commands
{
    /// <summary>The store each runspace is connected to (Connect-RecordingStore).</summary>
    internal static class SessionStore
    {
        private static readonly ConcurrentDictionary<Guid, RecordingStore> Connected = new ConcurrentDictionary<Guid, RecordingStore>();

        private static Guid Key => Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty;

        public static RecordingStore Current
        {
            get => Connected.TryGetValue(Key, out var store) ? store : null;
            set
            {
                if (value == null) Connected.TryRemove(Key, out _);
                else Connected[Key] = value;
            }
        }
    }

    /// <remarks>
    /// Cmdlet classes keep parameters of engine enum types in <c>object</c> fields. PowerShell enumerates the
    /// module's exported types before it runs the module initializer, and a field of an engine value type
    /// would make the runtime load the engine then, from the wrong place, before the private load context
    /// exists. Reference-typed members are resolved later, when the initializer is in place.
    /// </remarks>
    /// <summary>
    /// What every CallRecordingAdmin cmdlet shares: the -Store parameter (default: the session's connected
    /// store), and the translation of engine refusals into ErrorRecords with their stable ErrorId,
    /// category and target.
    /// </summary>
    public abstract class StoreCmdlet : PSCmdlet, IDisposable
    {
        private RecordingStore _resolved;
        private IDisposable _connectionScope;

        /// <summary>
        /// The store to work on, as returned by New-RecordingStore or Connect-RecordingStore -PassThru.
        /// Defaults to the store this session is connected to; when none is connected and
        /// $env:CALLRECORDINGADMIN_STORE names a store, that store is connected as the operating-system user.
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public RecordingStore Store { get; set; }

        /// <summary>The store this command works on; the first use resolves it, and a failure ends the command.</summary>
        protected RecordingStore ActiveStore
        {
            get
            {
                if (_resolved != null) return _resolved;
                _resolved = Store ?? SessionStore.Current;
                if (_resolved == null)
                {
                    var fromEnvironment = Environment.GetEnvironmentVariable(RecordingStore.StoreVariable);
                    if (!string.IsNullOrWhiteSpace(fromEnvironment))
                    {
                        try
                        {
                            _resolved = RecordingStore.Open(fromEnvironment, Principal.FromOperatingSystem());
                            SessionStore.Current = _resolved;
                            WriteVerbose("Connected to the store named by $env:" + RecordingStore.StoreVariable + ": " + _resolved.Path + " as " + _resolved.Identity + ".");
                        }
                        catch (PolicyException e)
                        {
                            ThrowTerminatingError(ToErrorRecord(e, fromEnvironment));
                        }
                    }
                }
                if (_resolved == null)
                {
                    ThrowTerminatingError(new ErrorRecord(
                        new InvalidOperationException("No recording store is connected. Run Connect-RecordingStore <path> (or New-RecordingStore), pass -Store, or set $env:" + RecordingStore.StoreVariable + "."),
                        "NotConnected", ErrorCategory.ConnectionError, null));
                }
                // One policy-database connection serves this command's engine calls, opened on first use; PowerShell
                // disposes the command when its pipeline ends (completed, stopped or failed), and that closes it.
                if (_connectionScope == null) _connectionScope = _resolved.BeginConnectionScope();
                return _resolved;
            }
        }

        /// <summary>Closes the connection this command's engine calls shared: none outlives the command (issue 9, section 1).</summary>
        public void Dispose()
        {
            var scope = _connectionScope;
            _connectionScope = null;
            scope?.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>Runs one item's work; a refusal becomes a non-terminating error so the pipeline goes on.</summary>
        protected void Try(object target, Action work)
        {
            try
            {
                work();
            }
            catch (PolicyException e)
            {
                WriteError(ToErrorRecord(e, target));
            }
            catch (IOException e)
            {
                WriteError(new ErrorRecord(e, "FileWriteFailed", ErrorCategory.WriteError, target));
            }
            catch (UnauthorizedAccessException e)
            {
                WriteError(new ErrorRecord(e, "FileAccessDenied", ErrorCategory.PermissionDenied, target));
            }
        }

        internal static ErrorRecord ToErrorRecord(PolicyException e, object target)
        {
            var record = new ErrorRecord(e, e.ErrorId, Category(e.Kind), e.Target ?? target);
            if (e.Clause != null)
            {
                record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = "See clause " + e.Clause + " of the Call Recording Policy (Get-Help about_CallRecordingAdmin)." };
            }
            return record;
        }

        private static ErrorCategory Category(FailureKind kind)
        {
            switch (kind)
            {
                case FailureKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case FailureKind.PermissionDenied: return ErrorCategory.PermissionDenied;
                case FailureKind.ObjectNotFound: return ErrorCategory.ObjectNotFound;
                case FailureKind.ResourceExists: return ErrorCategory.ResourceExists;
                case FailureKind.InvalidOperation: return ErrorCategory.InvalidOperation;
                case FailureKind.InvalidData: return ErrorCategory.InvalidData;
                case FailureKind.ResourceUnavailable: return ErrorCategory.ResourceUnavailable;
                case FailureKind.SecurityError: return ErrorCategory.SecurityError;
                case FailureKind.ReadError: return ErrorCategory.ReadError;
                case FailureKind.WriteError: return ErrorCategory.WriteError;
                case FailureKind.ConnectionError: return ErrorCategory.ConnectionError;
                default: return ErrorCategory.NotSpecified;
            }
        }

        /// <summary>Resolves a user-given path against the current PowerShell location, not the process directory.</summary>
        protected string ResolvePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
    }
}
