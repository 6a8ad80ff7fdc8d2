using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace CallRecordingAdmin.Loading
{
    /// <summary>
    /// The private load context of the engine (PowerShell 7 only; this type is never touched on Windows
    /// PowerShell). The default context asks for the engine once, through <see cref="Hook"/>; everything
    /// the engine then needs is found in the Dependencies folder before the default context is asked, and
    /// "e_sqlite3" is loaded from runtimes/&lt;rid&gt;/native for the running OS and processor.
    /// On .NET 8 or later (PowerShell 7.4+) the engine and its packages come from Dependencies/net8.0, the engine
    /// built for net8.0 (the platform's AES-GCM); on older runtimes from Dependencies (the netstandard2.0 build,
    /// the one Windows PowerShell 5.1 loads). Both builds read and write the same files.
    /// </summary>
    internal sealed class EngineLoadContext : AssemblyLoadContext
    {
        /// <summary>The subfolder of Dependencies holding the net8.0 engine and the net8.0 builds of its packages.</summary>
        internal const string Net8Folder = "net8.0";
        private static EngineLoadContext s_context;
        private readonly string _folder;
        private readonly string _dependencies;

        private EngineLoadContext(string folder, string dependencies) { _folder = folder; _dependencies = dependencies; }

        /// <summary>The engine folder this runtime loads: Dependencies/net8.0 on .NET 8 or later when the module ships it, else Dependencies.</summary>
        internal static string EngineFolder(string dependencies, Version runtime)
        {
            var net8 = Path.Combine(dependencies, Net8Folder);
            return runtime.Major >= 8 && File.Exists(Path.Combine(net8, ModuleInitializer.EngineAssemblyName + ".dll")) ? net8 : dependencies;
        }

        /// <summary>Where the engine was loaded from (for -Verbose and tests).</summary>
        internal static string LoadedFrom => s_context?._folder;

        internal static void Hook(string dependencies)
        {
            if (s_context == null)
            {
                s_context = new EngineLoadContext(EngineFolder(dependencies, Environment.Version), dependencies);
            }
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
        }

        internal static void Unhook() => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

        private static Assembly ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
            name.Name == ModuleInitializer.EngineAssemblyName || name.Name == ModuleInitializer.GraphAdapterAssemblyName
                ? s_context.LoadFromAssemblyPath(s_context.PathOf(name.Name))
                : null;

        /// <summary>The engine's folder, else Dependencies: the Graph adapter is built for netstandard2.0 only and is not in Dependencies/net8.0.</summary>
        private string PathOf(string assemblyName)
        {
            var candidate = Path.Combine(_folder, assemblyName + ".dll");
            return File.Exists(candidate) ? candidate : Path.Combine(_dependencies, assemblyName + ".dll");
        }

        protected override Assembly Load(AssemblyName assemblyName)
        {
            if (PlatformProvides(assemblyName))
            {
                return null;
            }
            var candidate = Path.Combine(_folder, assemblyName.Name + ".dll");
            if (!File.Exists(candidate) && _folder != _dependencies)
            {
                // A package that has no net8.0 build of its own in Dependencies/net8.0 (none today) is taken from the netstandard2.0 set.
                candidate = Path.Combine(_dependencies, assemblyName.Name + ".dll");
            }
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }

        private static readonly Lazy<Dictionary<string, string>> PlatformAssemblies = new Lazy<Dictionary<string, string>>(() =>
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
            foreach (var path in list.Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries))
            {
                map[Path.GetFileNameWithoutExtension(path)] = path;
            }
            return map;
        });

        /// <summary>
        /// True when the runtime or PowerShell itself ships the assembly at the requested version or later
        /// (System.Memory, System.Text.Json, …): those come from the platform, so types such as Span&lt;T&gt;
        /// are the same on both sides. Only what the platform lacks, or has too old, is isolated here.
        /// </summary>
        private static bool PlatformProvides(AssemblyName requested)
        {
            if (!PlatformAssemblies.Value.TryGetValue(requested.Name, out var path))
            {
                return false;
            }
            try
            {
                return requested.Version == null || AssemblyName.GetAssemblyName(path).Version >= requested.Version;
            }
            catch (Exception e) when (e is IOException || e is BadImageFormatException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            var path = NativeLibraryPath(_dependencies, unmanagedDllName);
            return path != null && File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
        }

        /// <summary>The file of a native library shipped in runtimes/&lt;rid&gt;/native, or null when the name is not one of ours.</summary>
        internal static string NativeLibraryPath(string folder, string name)
        {
            var bare = name;
            if (bare.StartsWith("lib", StringComparison.Ordinal)) bare = bare.Substring(3);
            foreach (var ext in new[] { ".dll", ".so", ".dylib" })
            {
                if (bare.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) bare = bare.Substring(0, bare.Length - ext.Length);
            }
            if (bare != "e_sqlite3")
            {
                return null;
            }
            string os, file;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { os = "win"; file = "e_sqlite3.dll"; }
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) { os = "osx"; file = "libe_sqlite3.dylib"; }
            else { os = IsMusl() ? "linux-musl" : "linux"; file = "libe_sqlite3.so"; }
            string arch;
            switch (RuntimeInformation.ProcessArchitecture)
            {
                case Architecture.X64: arch = "x64"; break;
                case Architecture.Arm64: arch = "arm64"; break;
                case Architecture.X86: arch = "x86"; break;
                case Architecture.Arm: arch = "arm"; break;
                default: return null;
            }
            return Path.Combine(folder, "runtimes", os + "-" + arch, "native", file);
        }

        private static bool IsMusl()
        {
            try
            {
                return File.Exists("/etc/alpine-release") ||
                       (Directory.Exists("/lib") && Directory.GetFiles("/lib", "ld-musl-*").Length > 0);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }
    }
}
