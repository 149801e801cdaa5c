// Reference implementation of the Pixelz ASMX service (all 16 operations) for integration
// tests. Runs under Mono's System.Web.Services; see docs/reference-server.md.
//
// Data: the images, a JSON list, path from env PIXELZ_REFERENCE_DATA (default: dataset.json in
// the application directory); the contact, templates and invoices, a JSON object, path from env
// PIXELZ_REFERENCE_ACCOUNT (default: account.json there). Both are loaded once per process and
// then changed by the write operations (submissions, delete, reject, EditContact, AddTemplate),
// so each running instance has its own state. Credentials: env PIXELZ_REFERENCE_EMAIL /
// PIXELZ_REFERENCE_KEY (defaults demo@example.com / demo-api-key).

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
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

    public ImageStatus Copy() { return (ImageStatus)MemberwiseClone(); }
}

public class ImagesListResponse
{
    public ImageStatus[] Images;
}

public class ImageStatusResponse
{
    public ImageStatus ImageStatus;
}

// The result of DeleteImageFromQueue, RejectProcessedImage and EditContact: both null on
// success, so the result element is empty.
public class ServiceResponse
{
    public string ErrorCode;
    public string Message;
}

// The result of the five submissions, its members directly inside {Op}Result.
public class ImageQueueResponse
{
    public Guid ImageTicket;
    public string CustomerImageId;
    public bool IsTrial;
    public string ErrorCode;
    public string Message;
}

public class AddedTemplateResponse
{
    public int TemplateId;
    public string ErrorCode;
    public string Message;
}

public class ProductIdStatistic
{
    public string ProductId;
    public int DoneCount;
    public int TodoCount;
}

public class ProductIdsListResponse
{
    public ProductIdStatistic[] ProductIds;
}

// A decimal amount written as element text with its currency as an attribute:
// <ContactAccountBalance Currency="USD">125.50</ContactAccountBalance>.
public class Money
{
    [XmlAttribute] public string Currency;
    [XmlText] public decimal Value;
}

public class Contact
{
    public string ContactPerson;
    public string ContactCompany;
    public string ContactEmail;
    public int ContactDaysOfCredit;
    public Money ContactAccountBalance;
    public int NumberOfTrialImages;
}

public class ContactDetailedResponse
{
    public Contact Contact;
}

public class Invoice
{
    public string InvoiceId;
    public string CreatedDate;
    public string AmountDue;
    public bool IsPaid;
    public string PaymentUrl;
    public string InvoiceUrl;
}

public class InvoiceListResponse
{
    public Invoice[] Invoices;
}

public class Template
{
    public int TemplateId;
    public int ContactId;
    public string TemplateName;
    public string Prices;
    public bool IsCombinedImages;
    public int TemplateLabelId;
    public bool IsRecreateDetail;
    public bool ColorAdjustment;
    public string ColorAdjustmentSetting;
    public string ColorAdjustmentComment;
    public bool ColorMatching;
    public string ColorMatchingSetting;
}

public class TemplatesResponse
{
    public Template[] Templates;
}

// GetTemplateSpec's record: element name Template (TemplateSpecResponse.Template), XML type
// TemplateSpec, since GetTemplates' Template already owns that type name.
public class TemplateSpec
{
    public int Id;
    public string Name;
    public Money Price;
    public string CreatedDate;
    public string ModifiedDate;
    public bool IsDeleted;
    public string OutputFormat;
    public int DeliveryTimeInHours;
    public int BackgroundType;
    public string BackgroundColor;
    public string BackgroundVerticalGradientColor;
    public int ResizeType;
    public int ResizeUnit;
    public int ResizeWidth;
    public int ResizeHeight;
    public int ResizeMaxSize;
    public int ResizeMinSize;
    public int MarginType;
    public int MarginTop;
    public int MarginBottom;
    public int MarginLeft;
    public int MarginRight;
}

public class TemplateSpecResponse
{
    public TemplateSpec Template;
}

public class MarkerInfo
{
    public int X;
    public int Y;
}

public class ColorChangeRequest
{
    public MarkerInfo[] colorChangeRequestMarkers;
    public string customerImageColorID;
    public string outputFileName;
}

[WebService(Namespace = "http://removethebackground.com/")]
public class Soap : WebService
{
    static readonly Regex Digits = new Regex("^[0-9]+\\z", RegexOptions.CultureInvariant);
    static readonly Regex IsoDate = new Regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}\\z", RegexOptions.CultureInvariant);
    static readonly Regex IsoDateTime = new Regex(
        "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\z", RegexOptions.CultureInvariant);
    static readonly Regex GuidD = new Regex(
        "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\\z",
        RegexOptions.CultureInvariant);
    static readonly string[] OutputFormats = { "JPG", "PNG", "TIF", "PSD" };
    const int InvoicesPerPage = 10;

    // ------------------------------------------------------------------ web methods
    // In the order of the SDK's operation table: the WSDL and the help page list them so.
    // GetImagesList, GetImageStatus, CheckCredentials, ParseStatus and ParseDate keep their
    // code as it is: the emulator prints the stack frames Mono prints for their faults, IL
    // offsets included (pixelz/emulator/_faults.py), so a change here moves those offsets.

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

    [WebMethod]
    public ServiceResponse DeleteImageFromQueue(string contactEmail, string contactAPIkey,
        string imageTicket, string customerImageId)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        lock (Data.Gate)
        {
            Record found = Find(Data.Images(), imageTicket, customerImageId);
            if (found.Image.StatusId != 10) throw ClientFault("Image is already in production");
            Data.Remove(found);
        }
        return new ServiceResponse();
    }

    [WebMethod]
    public ServiceResponse RejectProcessedImage(string contactEmail, string contactAPIkey,
        string imageTicket, string comment, string customerImageId, string markupImageUrl)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        lock (Data.Gate)
        {
            Record found = Find(Data.Images(), imageTicket, customerImageId);
            if (string.IsNullOrEmpty(comment)) throw ClientFault("comment is required");
            if (found.Image.StatusId != 80) throw ClientFault("Only delivered images can be rejected");
            ImageStatus back = found.Image.Copy();  // readers may still hold the old one
            back.StatusId = 60;
            back.StatusName = "In Production";
            back.FinalImagesURL = null;
            found.Image = back;
        }
        return new ServiceResponse();
    }

    [WebMethod]
    public ProductIdsListResponse GetProductIdsList(string contactEmail, string contactAPIkey,
        string page, string productIdsPerPage)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        int pageNo = ParsePage(page);
        int perPage = ParsePerPage(productIdsPerPage, "Invalid productIdsPerPage");

        var stats = new Dictionary<string, ProductIdStatistic>(StringComparer.Ordinal);
        foreach (Record r in Data.Images())
        {
            if (r.Image.ProductId == null) continue;
            ProductIdStatistic s;
            if (!stats.TryGetValue(r.Image.ProductId, out s))
                stats[r.Image.ProductId] = s = new ProductIdStatistic { ProductId = r.Image.ProductId };
            if (r.Image.StatusId == 80) s.DoneCount++;
            else s.TodoCount++;
        }
        var all = new List<ProductIdStatistic>(stats.Values);
        all.Sort((a, b) => string.CompareOrdinal(a.ProductId, b.ProductId));
        return new ProductIdsListResponse { ProductIds = Page(all, pageNo, perPage).ToArray() };
    }

    [WebMethod]
    public ContactDetailedResponse GetContactDetailed(string contactEmail, string contactAPIkey)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        ContactData c = Data.Contact();
        return new ContactDetailedResponse
        {
            Contact = new Contact
            {
                ContactPerson = c.Person,
                ContactCompany = c.Company,
                ContactEmail = AcceptedEmail(),
                ContactDaysOfCredit = c.DaysOfCredit,
                ContactAccountBalance = c.Balance == null ? null : new Money { Currency = c.Currency, Value = c.Balance.Value },
                NumberOfTrialImages = c.TrialImages,
            },
        };
    }

    [WebMethod]
    public ServiceResponse EditContact(string contactEmail, string contactAPIkey,
        string contactName, string contactCompany, string contactAddress1, string contactAddress2,
        string contactZipCode, string contactCity, string contactState, string contactPhone,
        string timezoneIndex, string billingEmail, string billingAddress1, string billingAddress2,
        string billingZipCode, string billingCity, string billingState, string euVatNumber,
        string isReceivedNewslater)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        int? timezone = ParseInt(timezoneIndex, "Invalid timezoneIndex");
        bool? newsletter = ParseBool(isReceivedNewslater, "Invalid isReceivedNewslater");
        Data.EditContact(c =>
        {
            if (!string.IsNullOrEmpty(contactName)) c.Person = contactName;
            if (!string.IsNullOrEmpty(contactCompany)) c.Company = contactCompany;
            string[] names = {
                "contactAddress1", "contactAddress2", "contactZipCode", "contactCity",
                "contactState", "contactPhone", "billingEmail", "billingAddress1",
                "billingAddress2", "billingZipCode", "billingCity", "billingState", "euVatNumber",
            };
            string[] values = {
                contactAddress1, contactAddress2, contactZipCode, contactCity, contactState,
                contactPhone, billingEmail, billingAddress1, billingAddress2, billingZipCode,
                billingCity, billingState, euVatNumber,
            };
            for (int i = 0; i < names.Length; i++)
                if (!string.IsNullOrEmpty(values[i])) c.Other[names[i]] = values[i];
            if (timezone.HasValue) c.Other["timezoneIndex"] = timezone.Value.ToString(CultureInfo.InvariantCulture);
            if (newsletter.HasValue) c.Other["isReceivedNewslater"] = newsletter.Value ? "true" : "false";
        });
        return new ServiceResponse();
    }

    [WebMethod]
    public InvoiceListResponse GetInvoiceList(string contactEmail, string contactAPIkey,
        string fromDate, string toDate, string page, string returnUrl)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        DateTime? from = ParseDate(fromDate, "Invalid fromDate");
        DateTime? to = ParseDate(toDate, "Invalid toDate");
        int pageNo = ParsePage(page);
        string back = Uri.EscapeDataString(returnUrl ?? "");

        var selected = new List<InvoiceData>();
        foreach (InvoiceData inv in Data.Invoices())
        {
            if (from.HasValue && inv.Created < from.Value) continue;
            if (to.HasValue && inv.Created > to.Value) continue;
            selected.Add(inv);
        }
        selected.Sort((a, b) =>
        {
            int c = a.Created.CompareTo(b.Created);
            return c != 0 ? c : string.CompareOrdinal(a.InvoiceId, b.InvoiceId);
        });
        var invoices = new List<Invoice>();
        foreach (InvoiceData inv in Page(selected, pageNo, InvoicesPerPage))
            invoices.Add(new Invoice
            {
                InvoiceId = inv.InvoiceId,
                CreatedDate = inv.Created.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                AmountDue = inv.AmountDue,
                IsPaid = inv.IsPaid,
                PaymentUrl = "https://pay.example.com/" + inv.InvoiceId + "?return=" + back,
                InvoiceUrl = "https://invoices.example.com/" + inv.InvoiceId + ".pdf",
            });
        return new InvoiceListResponse { Invoices = invoices.ToArray() };
    }

    [WebMethod]
    public TemplatesResponse GetTemplates(string contactEmail, string contactAPIkey)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        var list = new List<Template>();
        foreach (TemplateData t in Data.Templates()) list.Add(t.Summary());
        return new TemplatesResponse { Templates = list.ToArray() };
    }

    [WebMethod]
    public TemplateSpecResponse GetTemplateSpec(string contactEmail, string contactAPIkey,
        string templateId)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        int id;
        if (!TryInt32(templateId, out id)) throw ClientFault("Invalid templateId");
        foreach (TemplateData t in Data.Templates())
            if (t.TemplateId == id) return new TemplateSpecResponse { Template = t.Spec() };
        throw ClientFault("Template not found");
    }

    [WebMethod]
    public AddedTemplateResponse AddTemplate(string contactEmail, string contactAPIkey,
        string templateName, string templateOutputFormat, string deliveryTimeInHour,
        string backgroundType, string backgroundColor, string backgroundVerticalGradientColor,
        string resizeType, string resizeUnit, string resizeHeight, string resizeWidth,
        string resizeMinSize, string resizeMaxSize, string marginType, string marginTop,
        string marginBottom, string marginLeft, string marginRight, string marginVerticalAlignment,
        string shadowType, string isCombinedImages, string callbackUrl, string comment,
        string isKeptMannequin, string isKeptModel)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        if (string.IsNullOrEmpty(templateName)) throw ClientFault("templateName is required");
        string format = (templateOutputFormat ?? "").ToUpperInvariant();
        if (Array.IndexOf(OutputFormats, format) < 0)
            return new AddedTemplateResponse { ErrorCode = "InvalidOutputFormat", Message = "Unsupported output format" };
        var t = new TemplateData
        {
            TemplateName = templateName,
            OutputFormat = format,
            DeliveryTimeInHours = ParseInt(deliveryTimeInHour, "Invalid deliveryTimeInHour") ?? 0,
            BackgroundType = ParseInt(backgroundType, "Invalid backgroundType") ?? 0,
            BackgroundColor = Unset(backgroundColor),
            BackgroundVerticalGradientColor = Unset(backgroundVerticalGradientColor),
            ResizeType = ParseInt(resizeType, "Invalid resizeType") ?? 0,
            ResizeUnit = ParseInt(resizeUnit, "Invalid resizeUnit") ?? 0,
            ResizeHeight = ParseInt(resizeHeight, "Invalid resizeHeight") ?? 0,
            ResizeWidth = ParseInt(resizeWidth, "Invalid resizeWidth") ?? 0,
            ResizeMinSize = ParseInt(resizeMinSize, "Invalid resizeMinSize") ?? 0,
            ResizeMaxSize = ParseInt(resizeMaxSize, "Invalid resizeMaxSize") ?? 0,
            MarginType = ParseInt(marginType, "Invalid marginType") ?? 0,
            MarginTop = ParseInt(marginTop, "Invalid marginTop") ?? 0,
            MarginBottom = ParseInt(marginBottom, "Invalid marginBottom") ?? 0,
            MarginLeft = ParseInt(marginLeft, "Invalid marginLeft") ?? 0,
            MarginRight = ParseInt(marginRight, "Invalid marginRight") ?? 0,
        };
        ParseInt(shadowType, "Invalid shadowType");
        t.IsCombinedImages = ParseBool(isCombinedImages, "Invalid isCombinedImages") ?? false;
        ParseBool(isKeptMannequin, "Invalid isKeptMannequin");
        ParseBool(isKeptModel, "Invalid isKeptModel");
        return new AddedTemplateResponse { TemplateId = Data.AddTemplate(t) };
    }

    [WebMethod]
    public ImageQueueResponse WhiteGloveService(string contactEmail, string contactAPIkey,
        string developerAPIkey, string imageURL, string imageURL2, string imageURL3,
        string imageURL4, string imageURL5, string colorReferenceFileURL, string imageCallbackURL,
        string customerImageId, string productId, string customerFolder)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        Required(developerAPIkey, "developerAPIkey");
        Required(imageURL, "imageURL");
        return Queue(customerImageId, productId);
    }

    [WebMethod]
    public ImageQueueResponse AddPartnerImageToQueue(string contactEmail, string contactAPIkey,
        string applicationCode, string templateId, string imageURL, string imageURL2,
        string imageURL3, string imageURL4, string imageURL5, string additionalResourceFileURL,
        string imageRequestedDeliveryTimeInHours, string imageCallbackURL, string customerImageId,
        string productId, string customerFolder, string imageDeadlineDateTimeUTC)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        Required(applicationCode, "applicationCode");
        CheckSubmission(templateId, imageURL, imageRequestedDeliveryTimeInHours, imageDeadlineDateTimeUTC);
        return Queue(customerImageId, productId);
    }

    [WebMethod]
    public ImageQueueResponse AddImageToQueue(string contactEmail, string contactAPIkey,
        string developerAPIkey, string templateId, string imageURL, string imageURL2,
        string imageURL3, string imageURL4, string imageURL5, string colorReferenceFileURL,
        string additionalResourceFileURL, string[] additionalResourceFileURLs,
        string imageRequestedDeliveryTimeInHours, string imageCallbackURL, string customerImageId,
        string productId, string customerFolder, string imageDeadlineDateTimeUTC,
        string instruction, int[] colorwayIds, ColorChangeRequest[] colorChangeRequests)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        Required(developerAPIkey, "developerAPIkey");
        CheckSubmission(templateId, imageURL, imageRequestedDeliveryTimeInHours, imageDeadlineDateTimeUTC);
        return Queue(customerImageId, productId);
    }

    [WebMethod]
    public ImageQueueResponse AddImageWithInstructionToQueue(string contactEmail,
        string contactAPIkey, string developerAPIkey, string templateId, string imageURL,
        string imageURL2, string imageURL3, string imageURL4, string imageURL5,
        string additionalResourceFileURL, string additionalResourceFileURL2,
        string additionalResourceFileURL3, string additionalResourceFileURL4,
        string additionalResourceFileURL5, string imageRequestedDeliveryTimeInHours,
        string imageCallbackURL, string customerImageId, string productId, string customerFolder,
        string imageDeadlineDateTimeUTC, string instruction, int[] colorwayIds,
        string[] additionalResourceFileURLs)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        Required(developerAPIkey, "developerAPIkey");
        CheckSubmission(templateId, imageURL, imageRequestedDeliveryTimeInHours, imageDeadlineDateTimeUTC);
        return Queue(customerImageId, productId);
    }

    [WebMethod]
    public ImageQueueResponse AddStackImageToQueue(string contactEmail, string contactAPIkey,
        string developerAPIkey, string templateId, string imageURL, string imageURL2,
        string imageURL3, string imageURL4, string imageURL5, string colorReferenceFileURL,
        string additionalResourceFileURL, string imageRequestedDeliveryTimeInHours,
        string imageCallbackURL, string customerImageId, string productId, string customerFolder,
        string imageDeadlineDateTimeUTC, string instruction, int[] colorwayIds)
    {
        CheckCredentials(contactEmail, contactAPIkey);
        Required(developerAPIkey, "developerAPIkey");
        CheckSubmission(templateId, imageURL, imageRequestedDeliveryTimeInHours, imageDeadlineDateTimeUTC);
        return Queue(customerImageId, productId);
    }

    // ------------------------------------------------------------------ helpers

    static void CheckSubmission(string templateId, string imageURL, string deliveryHours, string deadline)
    {
        int id;
        if (!TryInt32(templateId, out id) || !Data.HasTemplate(id)) throw ClientFault("Invalid templateId");
        Required(imageURL, "imageURL");
        ParseInt(deliveryHours, "Invalid imageRequestedDeliveryTimeInHours");
        if (!string.IsNullOrEmpty(deadline))
        {
            DateTime d;
            if (!IsoDateTime.IsMatch(deadline)
                || !DateTime.TryParseExact(deadline, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out d))
                throw ClientFault("Invalid imageDeadlineDateTimeUTC");
        }
    }

    static ImageQueueResponse Queue(string customerImageId, string productId)
    {
        ImageStatus added = Data.AddImage(Unset(customerImageId), Unset(productId));
        return new ImageQueueResponse { ImageTicket = added.ImageTicket, CustomerImageId = added.CustomerImageId };
    }

    static Record Find(List<Record> images, string imageTicket, string customerImageId)
    {
        if (!string.IsNullOrEmpty(imageTicket))
        {
            if (!GuidD.IsMatch(imageTicket)) throw ClientFault("Invalid imageTicket");
            Guid ticket = new Guid(imageTicket);
            foreach (Record r in images)
                if (r.Image.ImageTicket == ticket) return r;
            throw ClientFault("Image not found");
        }
        if (!string.IsNullOrEmpty(customerImageId))
        {
            Record best = null;
            foreach (Record r in images)
                if (string.Equals(r.Image.CustomerImageId, customerImageId, StringComparison.Ordinal)
                    && (best == null || r.Id < best.Id))
                    best = r;
            if (best != null) return best;
            throw ClientFault("Image not found");
        }
        throw ClientFault("imageTicket or customerImageId is required");
    }

    static List<T> Page<T>(List<T> all, int pageNo, int perPage)
    {
        var result = new List<T>();
        long skip = (long)(pageNo - 1) * perPage;
        for (long i = skip; i < all.Count && result.Count < perPage; i++) result.Add(all[(int)i]);
        return result;
    }

    internal static SoapException ClientFault(string message)
    {
        return new SoapException(message, SoapException.ClientFaultCode);
    }

    static string AcceptedEmail()
    {
        string wantEmail = Environment.GetEnvironmentVariable("PIXELZ_REFERENCE_EMAIL");
        return string.IsNullOrEmpty(wantEmail) ? "demo@example.com" : wantEmail;
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

    static void Required(string value, string name)
    {
        if (string.IsNullOrEmpty(value)) throw ClientFault(name + " is required");
    }

    static string Unset(string value)
    {
        return string.IsNullOrEmpty(value) ? null : value;
    }

    static bool TryInt32(string value, out int result)
    {
        result = 0;
        return !string.IsNullOrEmpty(value) && Digits.IsMatch(value)
            && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result);
    }

    // "" = unset; else ASCII digits fitting an Int32.
    static int? ParseInt(string value, string error)
    {
        if (string.IsNullOrEmpty(value)) return null;
        int v;
        if (!TryInt32(value, out v)) throw ClientFault(error);
        return v;
    }

    static int? ParseStatus(string value, string error)
    {
        if (string.IsNullOrEmpty(value)) return null;
        int v;
        if (!Digits.IsMatch(value) || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out v))
            throw ClientFault(error);
        return v;
    }

    // "" = unset; else true/false in any case.
    static bool? ParseBool(string value, string error)
    {
        if (string.IsNullOrEmpty(value)) return null;
        string v = value.ToLowerInvariant();
        if (v == "true") return true;
        if (v == "false") return false;
        throw ClientFault(error);
    }

    static int ParsePage(string page)
    {
        if (string.IsNullOrEmpty(page)) return 1;
        int p;
        if (!TryInt32(page, out p) || p < 1) throw ClientFault("Invalid page");
        return p;
    }

    // "" = 50; digits only and at least 1; above 100 (any number of digits) is 100.
    static int ParsePerPage(string value, string error)
    {
        if (string.IsNullOrEmpty(value)) return 50;
        if (!Digits.IsMatch(value)) throw ClientFault(error);
        string trimmed = value.TrimStart('0');
        if (trimmed.Length == 0) throw ClientFault(error);
        if (trimmed.Length > 3) return 100;
        return Math.Min(100, int.Parse(trimmed, CultureInfo.InvariantCulture));
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

class ContactData
{
    public string Person;
    public string Company;
    public int DaysOfCredit;
    public decimal? Balance;
    public string Currency;
    public int TrialImages;
    // What EditContact stores that GetContactDetailed does not show, by parameter name.
    public Dictionary<string, string> Other = new Dictionary<string, string>(StringComparer.Ordinal);

    public ContactData Copy()
    {
        var copy = (ContactData)MemberwiseClone();
        copy.Other = new Dictionary<string, string>(Other, StringComparer.Ordinal);
        return copy;
    }
}

class InvoiceData
{
    public string InvoiceId;
    public DateTime Created;
    public string AmountDue;
    public bool IsPaid;
}

class TemplateData
{
    public int TemplateId;
    public int ContactId;
    public string TemplateName;
    public string Prices;
    public bool IsCombinedImages;
    public int TemplateLabelId;
    public bool IsRecreateDetail;
    public bool ColorAdjustment;
    public string ColorAdjustmentSetting;
    public string ColorAdjustmentComment;
    public bool ColorMatching;
    public string ColorMatchingSetting;
    public decimal? Price;
    public string Currency;
    public string CreatedDate;
    public string ModifiedDate;
    public bool IsDeleted;
    public string OutputFormat;
    public int DeliveryTimeInHours;
    public int BackgroundType;
    public string BackgroundColor;
    public string BackgroundVerticalGradientColor;
    public int ResizeType;
    public int ResizeUnit;
    public int ResizeWidth;
    public int ResizeHeight;
    public int ResizeMaxSize;
    public int ResizeMinSize;
    public int MarginType;
    public int MarginTop;
    public int MarginBottom;
    public int MarginLeft;
    public int MarginRight;

    public Template Summary()
    {
        return new Template
        {
            TemplateId = TemplateId, ContactId = ContactId, TemplateName = TemplateName,
            Prices = Prices, IsCombinedImages = IsCombinedImages, TemplateLabelId = TemplateLabelId,
            IsRecreateDetail = IsRecreateDetail, ColorAdjustment = ColorAdjustment,
            ColorAdjustmentSetting = ColorAdjustmentSetting,
            ColorAdjustmentComment = ColorAdjustmentComment, ColorMatching = ColorMatching,
            ColorMatchingSetting = ColorMatchingSetting,
        };
    }

    public TemplateSpec Spec()
    {
        return new TemplateSpec
        {
            Id = TemplateId, Name = TemplateName,
            Price = Price == null ? null : new Money { Currency = Currency, Value = Price.Value },
            CreatedDate = CreatedDate, ModifiedDate = ModifiedDate, IsDeleted = IsDeleted,
            OutputFormat = OutputFormat, DeliveryTimeInHours = DeliveryTimeInHours,
            BackgroundType = BackgroundType, BackgroundColor = BackgroundColor,
            BackgroundVerticalGradientColor = BackgroundVerticalGradientColor,
            ResizeType = ResizeType, ResizeUnit = ResizeUnit, ResizeWidth = ResizeWidth,
            ResizeHeight = ResizeHeight, ResizeMaxSize = ResizeMaxSize, ResizeMinSize = ResizeMinSize,
            MarginType = MarginType, MarginTop = MarginTop, MarginBottom = MarginBottom,
            MarginLeft = MarginLeft, MarginRight = MarginRight,
        };
    }
}

// The instance's state. Readers take a snapshot (a copy of the list) under the lock; writers
// hold the lock for their whole check-then-change.
static class Data
{
    public static readonly object Gate = new object();
    const int NewTemplateContactId = 7;
    static bool loaded;
    static List<Record> images;
    static List<TemplateData> templates;
    static List<InvoiceData> invoices;
    static ContactData contact;
    static DateTime today;
    static int nextImageId;
    static int nextTemplateId;

    public static List<Record> Images() { lock (Gate) { Load(); return new List<Record>(images); } }
    public static List<Record> Records { get { return Images(); } }
    public static List<TemplateData> Templates() { lock (Gate) { Load(); return new List<TemplateData>(templates); } }
    public static List<InvoiceData> Invoices() { lock (Gate) { Load(); return new List<InvoiceData>(invoices); } }
    public static ContactData Contact() { lock (Gate) { Load(); return contact.Copy(); } }
    public static void EditContact(Action<ContactData> edit) { lock (Gate) { Load(); edit(contact); } }

    public static bool HasTemplate(int id)
    {
        lock (Gate)
        {
            Load();
            foreach (TemplateData t in templates) if (t.TemplateId == id) return true;
            return false;
        }
    }

    public static void Remove(Record r) { lock (Gate) { images.Remove(r); } }

    public static int AddTemplate(TemplateData t)
    {
        lock (Gate)
        {
            Load();
            t.TemplateId = nextTemplateId++;
            t.ContactId = NewTemplateContactId;
            t.CreatedDate = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            templates.Add(t);
            return t.TemplateId;
        }
    }

    // A new image, status New (10); fault if customerImageId is already taken.
    public static ImageStatus AddImage(string customerImageId, string productId)
    {
        lock (Gate)
        {
            Load();
            if (customerImageId != null)
                foreach (Record r in images)
                    if (string.Equals(r.Image.CustomerImageId, customerImageId, StringComparison.Ordinal))
                        throw Soap.ClientFault("Duplicate customerImageId");
            int id = nextImageId++;
            var img = new ImageStatus
            {
                ImageTicket = NewTicket(id),
                CustomerImageId = customerImageId,
                ProductId = productId,
                StatusName = "New",
                StatusId = 10,
                IsPaid = false,
            };
            images.Add(new Record { Id = id, CreatedDate = today, Image = img });
            return img;
        }
    }

    // Name-based (version 5, SHA-1) UUID of "image:{Id}" in the URL namespace: RFC 4122 4.3,
    // the same as Python's uuid.uuid5(uuid.NAMESPACE_URL, f"image:{id}").
    static Guid NewTicket(int id)
    {
        byte[] ns = { 0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
        byte[] name = Encoding.UTF8.GetBytes("image:" + id.ToString(CultureInfo.InvariantCulture));
        byte[] input = new byte[ns.Length + name.Length];
        Buffer.BlockCopy(ns, 0, input, 0, ns.Length);
        Buffer.BlockCopy(name, 0, input, ns.Length, name.Length);
        byte[] hash;
        using (SHA1 sha = SHA1.Create()) hash = sha.ComputeHash(input);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var hex = new StringBuilder(32);
        for (int i = 0; i < 16; i++) hex.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
        return new Guid(hex.ToString());
    }

    static string DataPath(string variable, string fileName)
    {
        string path = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrEmpty(path) ? Path.Combine(HttpRuntime.AppDomainAppPath, fileName) : path;
    }

    static object ReadJson(string path)
    {
        return new Json(File.ReadAllText(path, new UTF8Encoding(false))).ParseDocument();
    }

    static void Load()
    {
        if (loaded) return;
        images = LoadImages((List<object>)ReadJson(DataPath("PIXELZ_REFERENCE_DATA", "dataset.json")));
        var account = (Dictionary<string, object>)ReadJson(DataPath("PIXELZ_REFERENCE_ACCOUNT", "account.json"));
        today = DateTime.MinValue;
        nextImageId = 1;
        foreach (Record r in images)
        {
            if (r.CreatedDate > today) today = r.CreatedDate;
            if (r.Id >= nextImageId) nextImageId = r.Id + 1;
        }

        var c = (Dictionary<string, object>)account["contact"];
        contact = new ContactData
        {
            Person = Str(c, "ContactPerson"),
            Company = Str(c, "ContactCompany"),
            DaysOfCredit = Int(c, "ContactDaysOfCredit"),
            Balance = Dec(c, "ContactAccountBalance"),
            Currency = Str(c, "Currency"),
            TrialImages = Int(c, "NumberOfTrialImages"),
        };

        templates = new List<TemplateData>();
        nextTemplateId = 1;
        foreach (object o in (List<object>)account["templates"])
        {
            var d = (Dictionary<string, object>)o;
            var t = new TemplateData
            {
                TemplateId = Int(d, "TemplateId"), ContactId = Int(d, "ContactId"),
                TemplateName = Str(d, "TemplateName"), Prices = Str(d, "Prices"),
                IsCombinedImages = (bool)d["IsCombinedImages"], TemplateLabelId = Int(d, "TemplateLabelId"),
                IsRecreateDetail = (bool)d["IsRecreateDetail"], ColorAdjustment = (bool)d["ColorAdjustment"],
                ColorAdjustmentSetting = Str(d, "ColorAdjustmentSetting"),
                ColorAdjustmentComment = Str(d, "ColorAdjustmentComment"),
                ColorMatching = (bool)d["ColorMatching"], ColorMatchingSetting = Str(d, "ColorMatchingSetting"),
                Price = Dec(d, "Price"), Currency = Str(d, "Currency"),
                CreatedDate = Str(d, "CreatedDate"), ModifiedDate = Str(d, "ModifiedDate"),
                IsDeleted = (bool)d["IsDeleted"], OutputFormat = Str(d, "OutputFormat"),
                DeliveryTimeInHours = Int(d, "DeliveryTimeInHours"), BackgroundType = Int(d, "BackgroundType"),
                BackgroundColor = Str(d, "BackgroundColor"),
                BackgroundVerticalGradientColor = Str(d, "BackgroundVerticalGradientColor"),
                ResizeType = Int(d, "ResizeType"), ResizeUnit = Int(d, "ResizeUnit"),
                ResizeWidth = Int(d, "ResizeWidth"), ResizeHeight = Int(d, "ResizeHeight"),
                ResizeMaxSize = Int(d, "ResizeMaxSize"), ResizeMinSize = Int(d, "ResizeMinSize"),
                MarginType = Int(d, "MarginType"), MarginTop = Int(d, "MarginTop"),
                MarginBottom = Int(d, "MarginBottom"), MarginLeft = Int(d, "MarginLeft"),
                MarginRight = Int(d, "MarginRight"),
            };
            templates.Add(t);
            if (t.TemplateId >= nextTemplateId) nextTemplateId = t.TemplateId + 1;
        }
        templates.Sort((a, b) => a.TemplateId.CompareTo(b.TemplateId));

        invoices = new List<InvoiceData>();
        foreach (object o in (List<object>)account["invoices"])
        {
            var d = (Dictionary<string, object>)o;
            invoices.Add(new InvoiceData
            {
                InvoiceId = Str(d, "InvoiceId"),
                Created = DateTime.ParseExact(Str(d, "CreatedDate"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                AmountDue = Str(d, "AmountDue"),
                IsPaid = (bool)d["IsPaid"],
            });
        }
        loaded = true;
    }

    static List<Record> LoadImages(List<object> list)
    {
        var result = new List<Record>();
        foreach (object o in list)
        {
            var d = (Dictionary<string, object>)o;
            var img = new ImageStatus();
            img.ImageTicket = new Guid((string)d["ImageTicket"]);
            img.CustomerImageId = Str(d, "CustomerImageId");
            img.ProductId = Str(d, "ProductId");
            img.StatusName = Str(d, "StatusName");
            img.StatusId = Int(d, "StatusId");
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
                Id = Int(d, "Id"),
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

    static int Int(Dictionary<string, object> d, string key)
    {
        return (int)(long)d[key];
    }

    static decimal? Dec(Dictionary<string, object> d, string key)
    {
        string text = Str(d, key);
        if (text == null) return null;
        return decimal.Parse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
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
