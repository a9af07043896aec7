using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Loads SwarmPS.Engine and every third-party library it uses (SSH.NET, BouncyCastle, Docker.DotNet)
    /// from the module's <c>dependencies</c> folder into a context of their own, so another module that
    /// ships a different version of the same library (Posh-SSH ships Renci.SshNet) cannot clash with ours.
    /// </summary>
    internal sealed class EngineLoadContext : AssemblyLoadContext
    {
        internal const string EngineAssemblyName = "SwarmPS.Engine";

        // SwarmPS.Model holds the output types: it must have one identity, the default context's.
        private const string SharedModelAssemblyName = "SwarmPS.Model";

        private static readonly string DependencyDirectory = Path.Combine(
            Path.GetDirectoryName(typeof(EngineLoadContext).Assembly.Location) ?? string.Empty,
            "dependencies");

        internal static EngineLoadContext Instance { get; } = new EngineLoadContext();

        private EngineLoadContext()
            : base("SwarmPS.Engine", isCollectible: false)
        {
        }

        internal static bool IsEngine(AssemblyName name) => name.Name == EngineAssemblyName;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name == SharedModelAssemblyName)
            {
                return null;
            }

            string path = Path.Combine(DependencyDirectory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
