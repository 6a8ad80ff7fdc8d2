using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CallRecordingAdmin.Loading
{
    /// <summary>
    /// Loads the engine and its dependencies from the module's Dependencies folder. On PowerShell 7 they go
    /// into a private load context, so other modules may bring other versions of Microsoft.Data.Sqlite,
    /// SQLitePCLRaw or System.Text.Json into the same session in either import order; the native SQLite
    /// library for this OS and processor is found by that context. On Windows PowerShell 5.1, which has a
    /// single load context, the assemblies are loaded from the same folder by AssemblyResolve.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        internal const string EngineAssemblyName = "CallRecordingAdmin.Engine";
        /// <summary>The Microsoft Graph adapter (Graph SDK, Azure.Identity): loaded, like the engine, into the private context when a Graph cmdlet first runs.</summary>
        internal const string GraphAdapterAssemblyName = "CallRecordingAdmin.Graph";
        internal static readonly string ModuleFolder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location);
        internal static readonly string DependencyFolder = Path.Combine(ModuleFolder, "Dependencies");
        /// <summary>PowerShell 7 (.NET) rather than Windows PowerShell 5.1 (.NET Framework).</summary>
        private static readonly bool IsCore = !RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

        public void OnImport()
        {
            if (IsCore)
            {
                HookCore();
            }
            else
            {
                AppDomain.CurrentDomain.AssemblyResolve += ResolveOnFramework;
                NativeSqliteOnFramework.Preload(DependencyFolder);
            }
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (IsCore)
            {
                UnhookCore();
            }
            else
            {
                AppDomain.CurrentDomain.AssemblyResolve -= ResolveOnFramework;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void HookCore() => EngineLoadContext.Hook(DependencyFolder);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void UnhookCore() => EngineLoadContext.Unhook();

        private static Assembly ResolveOnFramework(object sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            var candidate = Path.Combine(DependencyFolder, name + ".dll");
            return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
        }
    }

    /// <summary>On .NET Framework the provider's DllImport("e_sqlite3") finds the library once it is loaded by full path.</summary>
    internal static class NativeSqliteOnFramework
    {
        [DllImport("kernel32", SetLastError = true, CharSet = CharSet.Unicode)]
        private static extern IntPtr LoadLibrary(string path);

        public static void Preload(string dependencyFolder)
        {
            var rid = Environment.Is64BitProcess ? "win-x64" : "win-x86";
            var path = Path.Combine(dependencyFolder, "runtimes", rid, "native", "e_sqlite3.dll");
            if (File.Exists(path))
            {
                LoadLibrary(path);
            }
        }
    }
}
