// Reference implementation of the Pixelz ASMX service (GetImagesList, GetImageStatus) for
// integration tests. Runs under Mono's System.Web.Services; see docs/reference-server.md.
//
// Data: a JSON list of records, path from env PIXELZ_REFERENCE_DATA (default: dataset.json in
// the application directory). Credentials: env PIXELZ_REFERENCE_EMAIL / PIXELZ_REFERENCE_KEY
// (defaults demo@example.com / demo-api-key).

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;
using System.Web.Services;
using System.Web.Services.Protocols;
using System.Xml.Serialization;

public class ImageStatus
{
    [XmlElement(Order = 1)] public Guid ImageTicket;
    [XmlElement(Order = 2)] public string CustomerImageId;
    [XmlElement(Order = 3)] public string ProductId;
    [XmlElement(Order = 4)] public string StatusName;
    [XmlElement(Order = 5)] public int StatusId;
    [XmlElement(Order = 6)] public bool IsPaid;
    [XmlElement(Order = 7)] public string ThumbnailImageURL;
    [XmlArray(Order = 8)] public string[] FinalImagesURL;
}

public class ImagesListResponse
{
    public ImageStatus[] Images;
}

public class ImageStatusResponse
{
    public ImageStatus ImageStatus;
}

[WebService(Namespace = "http://removethebackground.com/")]
public class Soap : WebService
{
    static readonly Regex Digits = new Regex("^[0-9]+$", RegexOptions.CultureInvariant);
    static readonly Regex IsoDate = new Regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", RegexOptions.CultureInvariant);
    static readonly Regex GuidD = new Regex(
        "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
        RegexOptions.CultureInvariant);

    [WebMethod]
    public ImagesListResponse GetImagesList(string contactEmail, string contactAPIkey,
        string imageStatus, string excludeImageStatus, string productId, string fromDate,
        string toDate, string page, string imagesPerPage, string sortBy, string isDescending)
    {
        CheckCredentials(contactEmail, contactAPIkey);

        int? status = ParseStatus(imageStatus, "Invalid imageStatus");
        int? exclude = ParseStatus(excludeImageStatus, "Invalid excludeImageStatus");
        DateTime? from = ParseDate(fromDate, "Invalid fromDate");
        DateTime? to = ParseDate(toDate, "Invalid toDate");

        int pageNo = 1;
        if (!string.IsNullOrEmpty(page))
        {
            int p;
            if (!Digits.IsMatch(page) || !int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out p) || p < 1)
                throw ClientFault("Invalid page");
            pageNo = p;
        }

        int perPage = 50;
        if (!string.IsNullOrEmpty(imagesPerPage))
        {
            if (!Digits.IsMatch(imagesPerPage)) throw ClientFault("Invalid imagesPerPage");
            string trimmed = imagesPerPage.TrimStart('0');
            if (trimmed.Length == 0) throw ClientFault("Invalid imagesPerPage");
            if (trimmed.Length > 3) perPage = 100;
            else perPage = Math.Min(100, int.Parse(trimmed, CultureInfo.InvariantCulture));
        }

        string sort = "id";
        if (!string.IsNullOrEmpty(sortBy))
        {
            string s = sortBy.ToLowerInvariant();
            if (s != "id" && s != "date" && s != "status") throw ClientFault("Invalid sortBy");
            sort = s;
        }

        bool desc = false;
        if (!string.IsNullOrEmpty(isDescending))
        {
            string d = isDescending.ToLowerInvariant();
            if (d == "true") desc = true;
            else if (d == "false") desc = false;
            else throw ClientFault("Invalid isDescending");
        }

        if (productId == "__boom__")
            throw new InvalidOperationException("Simulated server failure");

        var selected = new List<Record>();
        foreach (Record r in Data.Records)
        {
            if (status.HasValue && r.Image.StatusId != status.Value) continue;
            if (exclude.HasValue && r.Image.StatusId == exclude.Value) continue;
            if (!string.IsNullOrEmpty(productId) && !string.Equals(r.Image.ProductId, productId, StringComparison.Ordinal)) continue;
            if (from.HasValue && r.CreatedDate < from.Value) continue;
            if (to.HasValue && r.CreatedDate > to.Value) continue;
            selected.Add(r);
        }

        Comparison<Record> cmp;
        if (sort == "date")
            cmp = (a, b) => { int c = a.CreatedDate.CompareTo(b.CreatedDate); return c != 0 ? c : a.Id.CompareTo(b.Id); };
        else if (sort == "status")
            cmp = (a, b) => { int c = a.Image.StatusId.CompareTo(b.Image.StatusId); return c != 0 ? c : a.Id.CompareTo(b.Id); };
        else
            cmp = (a, b) => a.Id.CompareTo(b.Id);
        selected.Sort(cmp);
        if (desc) selected.Reverse();

        var images = new List<ImageStatus>();
        long skip = (long)(pageNo - 1) * perPage;
        for (long i = skip; i < selected.Count && images.Count < perPage; i++)
            images.Add(selected[(int)i].Image);

        return new ImagesListResponse { Images = images.ToArray() };
    }

    [WebMethod]
    public ImageStatusResponse GetImageStatus(string contactEmail, string contactAPIkey,
        string imageTicket, string customerImageId)
    {
        CheckCredentials(contactEmail, contactAPIkey);

        if (!string.IsNullOrEmpty(imageTicket))
        {
            if (!GuidD.IsMatch(imageTicket)) throw ClientFault("Invalid imageTicket");
            Guid ticket = new Guid(imageTicket);
            foreach (Record r in Data.Records)
                if (r.Image.ImageTicket == ticket)
                    return new ImageStatusResponse { ImageStatus = r.Image };
            throw ClientFault("Image not found");
        }
        if (!string.IsNullOrEmpty(customerImageId))
        {
            Record best = null;
            foreach (Record r in Data.Records)
                if (string.Equals(r.Image.CustomerImageId, customerImageId, StringComparison.Ordinal)
                    && (best == null || r.Id < best.Id))
                    best = r;
            if (best != null) return new ImageStatusResponse { ImageStatus = best.Image };
            throw ClientFault("Image not found");
        }
        throw ClientFault("imageTicket or customerImageId is required");
    }

    static SoapException ClientFault(string message)
    {
        return new SoapException(message, SoapException.ClientFaultCode);
    }

    static void CheckCredentials(string email, string key)
    {
        string wantEmail = Environment.GetEnvironmentVariable("PIXELZ_REFERENCE_EMAIL");
        if (string.IsNullOrEmpty(wantEmail)) wantEmail = "demo@example.com";
        string wantKey = Environment.GetEnvironmentVariable("PIXELZ_REFERENCE_KEY");
        if (string.IsNullOrEmpty(wantKey)) wantKey = "demo-api-key";
        if (!string.Equals(email ?? "", wantEmail, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(key ?? "", wantKey, StringComparison.Ordinal))
            throw ClientFault("Invalid contact email or API key");
    }

    static int? ParseStatus(string value, string error)
    {
        if (string.IsNullOrEmpty(value)) return null;
        int v;
        if (!Digits.IsMatch(value) || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out v))
            throw ClientFault(error);
        return v;
    }

    static DateTime? ParseDate(string value, string error)
    {
        if (string.IsNullOrEmpty(value)) return null;
        DateTime d;
        if (!IsoDate.IsMatch(value)
            || !DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out d))
            throw ClientFault(error);
        return d;
    }
}

class Record
{
    public int Id;
    public DateTime CreatedDate;
    public ImageStatus Image;
}

static class Data
{
    static readonly object Gate = new object();
    static List<Record> records;

    public static List<Record> Records
    {
        get
        {
            lock (Gate)
            {
                if (records == null) records = Load();
                return records;
            }
        }
    }

    static List<Record> Load()
    {
        string path = Environment.GetEnvironmentVariable("PIXELZ_REFERENCE_DATA");
        if (string.IsNullOrEmpty(path)) path = Path.Combine(HttpRuntime.AppDomainAppPath, "dataset.json");
        string text = File.ReadAllText(path, new UTF8Encoding(false));
        var list = (List<object>)new Json(text).ParseDocument();
        var result = new List<Record>();
        foreach (object o in list)
        {
            var d = (Dictionary<string, object>)o;
            var img = new ImageStatus();
            img.ImageTicket = new Guid((string)d["ImageTicket"]);
            img.CustomerImageId = Str(d, "CustomerImageId");
            img.ProductId = Str(d, "ProductId");
            img.StatusName = Str(d, "StatusName");
            img.StatusId = (int)(long)d["StatusId"];
            img.IsPaid = (bool)d["IsPaid"];
            img.ThumbnailImageURL = Str(d, "ThumbnailImageURL");
            object urls;
            if (d.TryGetValue("FinalImagesURL", out urls) && urls != null)
            {
                var items = (List<object>)urls;
                img.FinalImagesURL = new string[items.Count];
                for (int i = 0; i < items.Count; i++) img.FinalImagesURL[i] = (string)items[i];
            }
            result.Add(new Record
            {
                Id = (int)(long)d["Id"],
                CreatedDate = DateTime.ParseExact((string)d["CreatedDate"], "yyyy-MM-dd", CultureInfo.InvariantCulture),
                Image = img,
            });
        }
        result.Sort((a, b) => a.Id.CompareTo(b.Id));
        return result;
    }

    static string Str(Dictionary<string, object> d, string key)
    {
        object v;
        return d.TryGetValue(key, out v) ? (string)v : null;
    }
}

// Tiny strict JSON reader: objects -> Dictionary, arrays -> List, integers -> long,
// other numbers -> double, strings (with \uXXXX escapes, surrogate pairs kept as UTF-16).
class Json
{
    readonly string s;
    int i;

    public Json(string text) { s = text; }

    public object ParseDocument()
    {
        if (s.Length > 0 && s[0] == '\uFEFF') i = 1;
        object v = Value();
        Ws();
        if (i != s.Length) throw Err("trailing data");
        return v;
    }

    Exception Err(string what) { return new FormatException("JSON: " + what + " at " + i); }

    void Ws() { while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++; }

    object Value()
    {
        Ws();
        if (i >= s.Length) throw Err("unexpected end");
        char c = s[i];
        if (c == '{') return Obj();
        if (c == '[') return Arr();
        if (c == '"') return Str();
        if (Lit("null")) return null;
        if (Lit("true")) return true;
        if (Lit("false")) return false;
        return Num();
    }

    bool Lit(string word)
    {
        if (string.CompareOrdinal(s, i, word, 0, word.Length) == 0) { i += word.Length; return true; }
        return false;
    }

    Dictionary<string, object> Obj()
    {
        var d = new Dictionary<string, object>(StringComparer.Ordinal);
        i++;
        Ws();
        if (i < s.Length && s[i] == '}') { i++; return d; }
        while (true)
        {
            Ws();
            if (i >= s.Length || s[i] != '"') throw Err("expected key");
            string k = Str();
            Ws();
            if (i >= s.Length || s[i] != ':') throw Err("expected ':'");
            i++;
            d[k] = Value();
            Ws();
            if (i < s.Length && s[i] == ',') { i++; continue; }
            if (i < s.Length && s[i] == '}') { i++; return d; }
            throw Err("expected ',' or '}'");
        }
    }

    List<object> Arr()
    {
        var l = new List<object>();
        i++;
        Ws();
        if (i < s.Length && s[i] == ']') { i++; return l; }
        while (true)
        {
            l.Add(Value());
            Ws();
            if (i < s.Length && s[i] == ',') { i++; continue; }
            if (i < s.Length && s[i] == ']') { i++; return l; }
            throw Err("expected ',' or ']'");
        }
    }

    string Str()
    {
        i++;
        var sb = new StringBuilder();
        while (true)
        {
            if (i >= s.Length) throw Err("unterminated string");
            char c = s[i++];
            if (c == '"') return sb.ToString();
            if (c != '\\') { sb.Append(c); continue; }
            if (i >= s.Length) throw Err("bad escape");
            char e = s[i++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (i + 4 > s.Length) throw Err("bad \\u escape");
                    sb.Append((char)int.Parse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                default: throw Err("bad escape");
            }
        }
    }

    object Num()
    {
        int start = i;
        while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) i++;
        string t = s.Substring(start, i - start);
        if (t.Length == 0) throw Err("unexpected character");
        long l;
        if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
        return double.Parse(t, CultureInfo.InvariantCulture);
    }
}
