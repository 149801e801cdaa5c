// Minimal ASP.NET host for Mono: HttpListener in front, System.Web's HttpRuntime behind.
//
// Usage: mono AsmxHost.exe PORT APPDIR [--remote-address IP]
//   PORT 0 picks a free loopback port. APPDIR must contain bin/AsmxHost.exe (this assembly),
//   because ApplicationHost.CreateApplicationHost loads the host type in the new AppDomain
//   from the application's bin/ folder.
// Prints exactly one readiness line on stdout:  LISTENING http://127.0.0.1:PORT/soap.asmx
// Stops on stdin EOF, SIGTERM or SIGINT.
//
// The request is read completely on the listener side and handed to the application domain as
// a serializable RequestData; the response comes back as a serializable ResponseData and is
// written to the HttpListenerResponse unchanged (status, reason, headers, body bytes).

using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Web;
using System.Web.Hosting;

namespace PixelzReference
{
    [Serializable]
    public class RequestData
    {
        public string Verb;
        public string HttpVersion;
        public string RawUrl;        // path + "?" + query, as received (still percent-encoded)
        public string Path;          // decoded absolute path, e.g. /soap.asmx/GetImagesList
        public string Query;         // raw query string without "?"
        public string[] HeaderNames;
        public string[] HeaderValues;
        public byte[] Body;
        public string LocalAddress;
        public int LocalPort;
        public string RemoteAddress;
        public int RemotePort;
        public string ServerName;
    }

    [Serializable]
    public class ResponseData
    {
        public int Status = 200;
        public string StatusDescription = "OK";
        public List<string> HeaderNames = new List<string>();
        public List<string> HeaderValues = new List<string>();
        public byte[] Body;
    }

    public class WorkerRequest : SimpleWorkerRequest
    {
        readonly RequestData req;
        readonly ResponseData resp;
        readonly MemoryStream body = new MemoryStream();
        readonly ManualResetEvent done;
        readonly string filePath;
        readonly string pathInfo;
        readonly string appPhysicalDir;

        public WorkerRequest(RequestData req, ResponseData resp, ManualResetEvent done, string appPhysicalDir)
            : base(string.Empty, string.Empty, TextWriter.Null)
        {
            this.req = req;
            this.resp = resp;
            this.done = done;
            this.appPhysicalDir = appPhysicalDir;
            SplitPath(req.Path, out filePath, out pathInfo);
        }

        // "/soap.asmx/GetImagesList" -> file "/soap.asmx", path info "/GetImagesList".
        static void SplitPath(string path, out string file, out string info)
        {
            if (string.IsNullOrEmpty(path)) path = "/";
            int start = 1;
            while (start <= path.Length)
            {
                int slash = path.IndexOf('/', start);
                string segment = slash < 0 ? path.Substring(start) : path.Substring(start, slash - start);
                if (segment.IndexOf('.') > 0 && slash >= 0)
                {
                    file = path.Substring(0, slash);
                    info = path.Substring(slash);
                    return;
                }
                if (slash < 0) break;
                start = slash + 1;
            }
            file = path;
            info = string.Empty;
        }

        string Header(string name)
        {
            for (int i = 0; i < req.HeaderNames.Length; i++)
                if (string.Equals(req.HeaderNames[i], name, StringComparison.OrdinalIgnoreCase))
                    return req.HeaderValues[i];
            return null;
        }

        public override string GetUriPath() { return req.Path; }
        public override string GetFilePath() { return filePath; }
        public override string GetPathInfo() { return pathInfo; }
        public override string GetRawUrl() { return req.RawUrl; }
        public override string GetQueryString() { return req.Query ?? string.Empty; }
        public override byte[] GetQueryStringRawBytes() { return Encoding.UTF8.GetBytes(req.Query ?? string.Empty); }
        public override string GetHttpVerbName() { return req.Verb; }
        public override string GetHttpVersion() { return req.HttpVersion; }
        public override string GetProtocol() { return "http"; }
        public override string GetRemoteAddress() { return req.RemoteAddress; }
        public override int GetRemotePort() { return req.RemotePort; }
        public override string GetRemoteName() { return req.RemoteAddress; }
        public override string GetLocalAddress() { return req.LocalAddress; }
        public override int GetLocalPort() { return req.LocalPort; }
        public override string GetServerName() { return req.ServerName; }
        public override bool IsSecure() { return false; }
        public override string GetAppPath() { return "/"; }
        public override string GetAppPathTranslated() { return appPhysicalDir; }

        public override string GetFilePathTranslated()
        {
            return MapPath(filePath);
        }

        public override string MapPath(string virtualPath)
        {
            string rel = virtualPath ?? string.Empty;
            if (rel.StartsWith("~")) rel = rel.Substring(1);
            rel = rel.TrimStart('/').Replace('/', System.IO.Path.DirectorySeparatorChar);
            return System.IO.Path.Combine(appPhysicalDir, rel);
        }

        public override string GetKnownRequestHeader(int index)
        {
            return Header(GetKnownRequestHeaderName(index));
        }

        public override string GetUnknownRequestHeader(string name)
        {
            return Header(name);
        }

        public override string[][] GetUnknownRequestHeaders()
        {
            var list = new List<string[]>();
            for (int i = 0; i < req.HeaderNames.Length; i++)
            {
                if (GetKnownRequestHeaderIndex(req.HeaderNames[i]) < 0)
                    list.Add(new[] { req.HeaderNames[i], req.HeaderValues[i] });
            }
            return list.ToArray();
        }

        public override byte[] GetPreloadedEntityBody() { return req.Body; }
        public override int GetPreloadedEntityBodyLength() { return req.Body == null ? 0 : req.Body.Length; }
        public override bool IsEntireEntityBodyIsPreloaded() { return true; }
        public override int GetTotalEntityBodyLength() { return req.Body == null ? 0 : req.Body.Length; }
        public override int ReadEntityBody(byte[] buffer, int size) { return 0; }
        public override int ReadEntityBody(byte[] buffer, int offset, int size) { return 0; }

        public override void SendStatus(int statusCode, string statusDescription)
        {
            resp.Status = statusCode;
            resp.StatusDescription = statusDescription;
        }

        public override void SendKnownResponseHeader(int index, string value)
        {
            AddHeader(GetKnownResponseHeaderName(index), value);
        }

        public override void SendUnknownResponseHeader(string name, string value)
        {
            AddHeader(name, value);
        }

        void AddHeader(string name, string value)
        {
            resp.HeaderNames.Add(name);
            resp.HeaderValues.Add(value);
        }

        public override void SendResponseFromMemory(byte[] data, int length)
        {
            if (length > 0) body.Write(data, 0, length);
        }

        public override void SendResponseFromFile(string filename, long offset, long length)
        {
            using (var f = File.OpenRead(filename))
            {
                f.Seek(offset, SeekOrigin.Begin);
                CopyFrom(f, length < 0 ? f.Length - offset : length);
            }
        }

        public override void SendResponseFromFile(IntPtr handle, long offset, long length)
        {
            throw new NotSupportedException("SendResponseFromFile(IntPtr)");
        }

        void CopyFrom(Stream s, long length)
        {
            var buf = new byte[8192];
            while (length > 0)
            {
                int n = s.Read(buf, 0, (int)Math.Min(buf.Length, length));
                if (n <= 0) break;
                body.Write(buf, 0, n);
                length -= n;
            }
        }

        public override void FlushResponse(bool finalFlush) { }
        public override bool IsClientConnected() { return true; }
        public override void CloseConnection() { }

        public override void EndOfRequest()
        {
            resp.Body = body.ToArray();
            done.Set();
        }
    }

    // Lives in the ASP.NET application domain.
    public class AppHost : MarshalByRefObject
    {
        public override object InitializeLifetimeService() { return null; }

        public ResponseData Process(RequestData req)
        {
            var resp = new ResponseData();
            using (var done = new ManualResetEvent(false))
            {
                var wr = new WorkerRequest(req, resp, done, HttpRuntime.AppDomainAppPath);
                HttpRuntime.ProcessRequest(wr);
                if (!done.WaitOne(TimeSpan.FromSeconds(120)))
                {
                    resp.Status = 504;
                    resp.StatusDescription = "Gateway Timeout";
                    resp.HeaderNames.Clear();
                    resp.HeaderValues.Clear();
                    resp.Body = Encoding.UTF8.GetBytes("AsmxHost: request did not complete");
                }
            }
            if (resp.Body == null) resp.Body = new byte[0];
            return resp;
        }

        public string Ping() { return AppDomain.CurrentDomain.FriendlyName; }
    }

    public static class Program
    {
        static HttpListener listener;
        static AppHost host;
        static string remoteOverride;
        static volatile bool stopping;

        public static int Main(string[] args)
        {
            if (args.Length < 2)
            {
                Console.Error.WriteLine("usage: AsmxHost.exe PORT APPDIR [--remote-address IP]");
                return 2;
            }
            int port = int.Parse(args[0]);
            string appDir = System.IO.Path.GetFullPath(args[1]);
            for (int i = 2; i < args.Length; i++)
            {
                if (args[i] == "--remote-address" && i + 1 < args.Length) remoteOverride = args[++i];
            }

            string binDir = System.IO.Path.Combine(appDir, "bin");
            Directory.CreateDirectory(binDir);
            string self = typeof(Program).Assembly.Location;
            string target = System.IO.Path.Combine(binDir, System.IO.Path.GetFileName(self));
            if (!string.Equals(System.IO.Path.GetFullPath(self), System.IO.Path.GetFullPath(target), StringComparison.Ordinal))
                File.Copy(self, target, true);

            host = (AppHost)ApplicationHost.CreateApplicationHost(typeof(AppHost), "/", appDir);

            listener = StartListener(ref port);

            ThreadPool.SetMinThreads(32, 32);
            var acceptThread = new Thread(AcceptLoop) { IsBackground = true, Name = "accept" };
            acceptThread.Start();

            Console.Out.WriteLine("LISTENING http://127.0.0.1:" + port + "/soap.asmx");
            Console.Out.Flush();

            // Stop when stdin closes (parent died) or on a signal.
            var stop = new ManualResetEvent(false);
            var stdinThread = new Thread(() =>
            {
                try { while (Console.In.Read() >= 0) { } } catch { }
                stop.Set();
            }) { IsBackground = true, Name = "stdin" };
            stdinThread.Start();
            try
            {
                var signals = new[]
                {
                    new Mono.Unix.UnixSignal(Mono.Unix.Native.Signum.SIGTERM),
                    new Mono.Unix.UnixSignal(Mono.Unix.Native.Signum.SIGINT),
                };
                var sigThread = new Thread(() =>
                {
                    Mono.Unix.UnixSignal.WaitAny(signals, -1);
                    stop.Set();
                }) { IsBackground = true, Name = "signals" };
                sigThread.Start();
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("AsmxHost: no signal handling: " + e.Message);
            }

            stop.WaitOne();
            stopping = true;
            try { listener.Stop(); } catch { }
            Environment.Exit(0);
            return 0;
        }

        static HttpListener StartListener(ref int port)
        {
            Exception last = null;
            for (int attempt = 0; attempt < 20; attempt++)
            {
                int p = port;
                if (p == 0)
                {
                    var probe = new TcpListener(IPAddress.Loopback, 0);
                    probe.Start();
                    p = ((IPEndPoint)probe.LocalEndpoint).Port;
                    probe.Stop();
                }
                var l = new HttpListener();
                l.Prefixes.Add("http://127.0.0.1:" + p + "/");
                l.Prefixes.Add("http://localhost:" + p + "/");
                try
                {
                    l.Start();
                    port = p;
                    return l;
                }
                catch (Exception e)
                {
                    last = e;
                    try { l.Close(); } catch { }
                    if (port != 0) break;
                }
            }
            throw new Exception("AsmxHost: cannot listen: " + (last == null ? "?" : last.Message), last);
        }

        static void AcceptLoop()
        {
            while (!stopping)
            {
                HttpListenerContext ctx;
                try { ctx = listener.GetContext(); }
                catch (Exception)
                {
                    if (stopping) return;
                    continue;
                }
                var t = new Thread(() => Handle(ctx)) { IsBackground = true, Name = "request" };
                t.Start();
            }
        }

        static void Handle(HttpListenerContext ctx)
        {
            var r = ctx.Request;
            var w = ctx.Response;
            try
            {
                var req = new RequestData();
                req.Verb = r.HttpMethod;
                req.HttpVersion = "HTTP/" + r.ProtocolVersion.Major + "." + r.ProtocolVersion.Minor;
                req.RawUrl = r.RawUrl;
                req.Path = r.Url.AbsolutePath;
                try { req.Path = Uri.UnescapeDataString(r.Url.AbsolutePath); } catch { }
                string raw = r.RawUrl ?? "/";
                int q = raw.IndexOf('?');
                req.Query = q >= 0 ? raw.Substring(q + 1) : string.Empty;
                var names = new List<string>();
                var values = new List<string>();
                foreach (string name in r.Headers.AllKeys)
                {
                    names.Add(name);
                    values.Add(r.Headers[name]);
                }
                req.HeaderNames = names.ToArray();
                req.HeaderValues = values.ToArray();
                using (var ms = new MemoryStream())
                {
                    if (r.HasEntityBody) r.InputStream.CopyTo(ms);
                    req.Body = ms.ToArray();
                }
                req.LocalAddress = r.LocalEndPoint.Address.ToString();
                req.LocalPort = r.LocalEndPoint.Port;
                req.RemoteAddress = remoteOverride ?? r.RemoteEndPoint.Address.ToString();
                req.RemotePort = r.RemoteEndPoint.Port;
                string hostHeader = r.Headers["Host"];
                req.ServerName = r.Url.Host;
                if (string.IsNullOrEmpty(hostHeader)) req.ServerName = req.LocalAddress;

                ResponseData resp = host.Process(req);

                w.StatusCode = resp.Status;
                if (!string.IsNullOrEmpty(resp.StatusDescription)) w.StatusDescription = resp.StatusDescription;
                bool close = false;
                for (int i = 0; i < resp.HeaderNames.Count; i++)
                {
                    string name = resp.HeaderNames[i];
                    string value = resp.HeaderValues[i];
                    switch (name.ToLowerInvariant())
                    {
                        case "content-length":
                        case "transfer-encoding":
                        case "keep-alive":
                            break;
                        case "content-type":
                            w.ContentType = value;
                            break;
                        case "connection":
                            if (value.IndexOf("close", StringComparison.OrdinalIgnoreCase) >= 0) close = true;
                            break;
                        case "location":
                            w.RedirectLocation = value;
                            break;
                        default:
                            try { w.Headers.Add(name, value); }
                            catch (Exception) { try { w.AddHeader(name, value); } catch { } }
                            break;
                    }
                }
                if (close) w.KeepAlive = false;
                w.ContentLength64 = resp.Body.Length;
                if (resp.Body.Length > 0) w.OutputStream.Write(resp.Body, 0, resp.Body.Length);
                w.Close();
            }
            catch (Exception e)
            {
                Console.Error.WriteLine("AsmxHost: request failed: " + e);
                try
                {
                    w.StatusCode = 502;
                    var msg = Encoding.UTF8.GetBytes("AsmxHost: " + e.Message);
                    w.ContentType = "text/plain; charset=utf-8";
                    w.ContentLength64 = msg.Length;
                    w.OutputStream.Write(msg, 0, msg.Length);
                    w.Close();
                }
                catch
                {
                    try { w.Abort(); } catch { }
                }
            }
        }
    }
}
