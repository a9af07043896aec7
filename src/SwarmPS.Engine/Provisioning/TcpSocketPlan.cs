using System.Collections.Generic;
using SwarmPS.Engine.Ssh;
using SwarmPS.Engine.Tls;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>
    /// What Enable-DockerTcpSocket would change on one host, worked out before anything is changed,
    /// so -WhatIf can say it and ShouldProcess can ask for it.
    /// </summary>
    public sealed class TcpSocketPlan
    {
        private readonly List<string> changes = new List<string>();

        internal TcpSocketPlan(IRemoteShell session, TcpSocketRequest request, HostFacts facts)
        {
            Session = session;
            Request = request;
            Facts = facts;
        }

        public IRemoteShell Session { get; }

        public TcpSocketRequest Request { get; }

        public HostFacts Facts { get; }

        /// <summary>Plain-words list of the changes; empty when the host is already as asked.</summary>
        public IReadOnlyList<string> Changes => changes;

        public bool NeedsChange => Changes.Count > 0;

        /// <summary>The labels the engine must report once the change is done.</summary>
        public IReadOnlyDictionary<string, string> ExpectedLabels { get; internal set; } = new Dictionary<string, string>();

        /// <summary>What the engine must do to take the change: reload (labels only; containers keep running) or restart.</summary>
        public EngineAction Engine { get; internal set; } = EngineAction.None;

        internal string DesiredDaemonJson { get; set; } = string.Empty;

        internal bool DaemonJsonChanges { get; set; }

        internal string DesiredUnit { get; set; } = string.Empty;

        internal bool UnitChanges { get; set; }

        internal bool CaChanges { get; set; }

        internal IssuedCertificate? NewServerCertificate { get; set; }

        public string Describe() => string.Join("; ", Changes);

        internal void AddChange(string change) => changes.Add(change);
    }
}
