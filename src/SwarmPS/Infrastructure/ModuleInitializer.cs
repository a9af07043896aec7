using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// PowerShell's documented pattern for dependency isolation: on import, route the engine assembly
    /// into <see cref="EngineLoadContext"/>; on removal, close this runspace's sessions and unhook.
    /// </summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static readonly object Gate = new object();
        private static int importCount;

        public void OnImport()
        {
            lock (Gate)
            {
                // Imported once per runspace: hook only on the first import.
                if (importCount++ == 0)
                {
                    AssemblyLoadContext.Default.Resolving += ResolveEngine;
                }
            }
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            SessionRegistry.DisposeCurrent();
            lock (Gate)
            {
                if (importCount > 0 && --importCount == 0)
                {
                    AssemblyLoadContext.Default.Resolving -= ResolveEngine;
                }
            }
        }

        private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name)
        {
            return EngineLoadContext.IsEngine(name) ? EngineLoadContext.Instance.LoadFromAssemblyName(name) : null;
        }
    }
}
