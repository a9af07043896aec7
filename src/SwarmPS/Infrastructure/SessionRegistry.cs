using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using SwarmPS.Engine.Sessions;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// One <see cref="SessionStore"/> per runspace: sessions opened in one runspace are neither seen nor
    /// disposed by another, and they go when the runspace closes or the module is removed.
    /// </summary>
    internal static class SessionRegistry
    {
        private static readonly ConditionalWeakTable<Runspace, SessionStore> Stores = new ConditionalWeakTable<Runspace, SessionStore>();

        internal static SessionStore Current
        {
            get
            {
                Runspace runspace = Runspace.DefaultRunspace
                    ?? throw new System.InvalidOperationException("SwarmPS cmdlets must run in a PowerShell runspace.");
                return Stores.GetValue(runspace, Create);
            }
        }

        internal static void DisposeCurrent()
        {
            Runspace? runspace = Runspace.DefaultRunspace;
            if (runspace != null && Stores.TryGetValue(runspace, out SessionStore? store))
            {
                Stores.Remove(runspace);
                store.Dispose();
            }
        }

        private static SessionStore Create(Runspace runspace)
        {
            var store = new SessionStore();
            runspace.StateChanged += (sender, args) =>
            {
                RunspaceState state = args.RunspaceStateInfo.State;
                if (state == RunspaceState.Closed || state == RunspaceState.Broken)
                {
                    store.Dispose();
                }
            };
            return store;
        }
    }
}
